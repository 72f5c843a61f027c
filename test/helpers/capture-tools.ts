import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell; resolves with its exit code and output (bounded by `timeoutMs`). */
export interface RunOptions {
  timeoutMs?: number;
  input?: Buffer;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** SIGINT once aborted: wrk then stops early and still prints its summary of the run so far. */
  interrupt?: AbortSignal;
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    const interrupt = (): boolean => child.kill('SIGINT');
    opts.interrupt?.addEventListener('abort', interrupt, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      opts.interrupt?.removeEventListener('abort', interrupt);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input);
  });
}

export const CLI = join(process.cwd(), 'dist/cli/main.js');

export function shadowtap(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], opts);
}

/** A TCP port that was free a moment ago (for programs such as nginx that cannot listen on port 0). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const s = createNetServer();
  s.listen(0, host);
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  s.close();
  await once(s, 'close');
  return port;
}

/** tcpdump writing a file until stop(); resolves start once it is listening. */
export async function startTcpdump(args: string[]): Promise<{ stop(): Promise<string> }> {
  const child = spawn('tcpdump', ['-U', '--immediate-mode', '-B', '65536', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`tcpdump did not start: ${stderr}`)), 10_000);
    child.stderr.on('data', (s: string) => {
      stderr += s;
      if (stderr.includes('listening on')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`tcpdump exited: ${stderr}`)));
  });
  return {
    async stop() {
      await new Promise((r) => setTimeout(r, 200)); // let the last packets reach the ring buffer
      child.kill('SIGINT');
      if (child.exitCode === null) await once(child, 'exit');
      return stderr;
    },
  };
}

/** A node HTTP server that answers every request (echoing sizes) and counts them, in all and per URL. */
export async function startNodeServer(host = '127.0.0.1', delayMs = 0): Promise<{ port: number; count(url?: string): number; close(): Promise<void> }> {
  let n = 0;
  const perUrl = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let size = 0;
    req.on('data', (c: Buffer) => (size += c.length));
    req.on('end', async () => {
      n++;
      perUrl.set(req.url ?? '', (perUrl.get(req.url ?? '') ?? 0) + 1);
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      if (req.url === '/chunked/big') {
        for (let i = 0; i < 40; i++) res.write(`${i} `.padEnd(20_000, '.') + '\n');
        res.end();
        return;
      }
      if (req.url?.startsWith('/chunked')) {
        res.write(`part one of ${req.url}\n`);
        res.end(`part two, got ${size}\n`);
        return;
      }
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url} ${size}\n`);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    count: (url?: string) => (url === undefined ? n : (perUrl.get(url) ?? 0)),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A real nginx on a free port with a throwaway config: static files, gzip, and a 404 for the rest. */
export async function startNginx(dir: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  writeFileSync(join(dir, 'index.html'), '<html>' + 'hello nginx '.repeat(400) + '</html>\n');
  const conf = `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir};
  uwsgi_temp_path ${dir}; scgi_temp_path ${dir}; gzip on; gzip_types text/html text/plain; gzip_min_length 100;
  server { listen 127.0.0.1:${port}; listen [::1]:${port}; root ${dir}; keepalive_requests 100000;
    location = /upload { client_max_body_size 10m; return 201 "stored\\n"; } } }\n`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const r = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/index.html`]).catch(() => undefined);
    if (r?.stdout === '200') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    async stop() {
      child.kill('SIGQUIT');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

export interface TsharkMessage {
  stream: number;
  method?: string;
  uri?: string;
  status?: number;
}

/** What tshark's HTTP dissector makes of a capture: one row per request or response, in frame order. */
export async function tsharkHttp(file: string, port: number): Promise<TsharkMessage[]> {
  const r = await run('tshark', ['-r', file, '-d', `tcp.port==${port},http`, '-Y', `(http.request or http.response) and tcp.port==${port}`, '-T', 'fields', '-e', 'tcp.stream', '-e', 'http.request.method', '-e', 'http.request.uri', '-e', 'http.response.code']);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [stream, method, uri, code] = l.split('\t');
      return { stream: Number(stream), ...(method ? { method } : {}), ...(uri ? { uri } : {}), ...(code ? { status: Number(code.split(',')[0]) } : {}) };
    });
}

/** Starts tcpdump on lo for `port`, runs `traffic`, stops tcpdump; the capture is then complete in `file`. */
export async function recordOnLo(file: string, port: number, traffic: () => Promise<unknown>, extra: string[] = []): Promise<void> {
  const dump = await startTcpdump(['-i', 'lo', ...extra, '-w', file, `tcp port ${port}`]);
  try {
    await traffic();
  } finally {
    await dump.stop();
  }
}

/** sampleTraffic against a node server of its own, recorded on lo into `file`; the server is stopped after. */
export async function recordSample(file: string): Promise<void> {
  const node = await startNodeServer();
  try {
    await recordOnLo(file, node.port, () => sampleTraffic(node.port));
  } finally {
    await node.close();
  }
}

/** Everyday traffic for a node server: keep-alive GETs, a large upload and a large chunked download, pipelining. */
export async function sampleTraffic(port: number): Promise<void> {
  const u = `http://127.0.0.1:${port}`;
  await run('curl', ['-s', '-o', '/dev/null', `${u}/a`, `${u}/b?x=1`, '-H', 'Cookie: session=s3cr3t']);
  await run('curl', ['-s', '-o', '/dev/null', '--data-binary', `@-`, `${u}/upload`], { input: Buffer.alloc(700_000, 'u') });
  await run('curl', ['-s', '-o', '/dev/null', `${u}/chunked/big`]);
  await run('ab', ['-q', '-n', '20', '-c', '2', `${u}/ab`]);
}

/** Requests written back to back on one raw socket before any answer (pipelining); resolves once every answer is in. */
export async function pipelined(port: number, paths: string[]): Promise<void> {
  const sock = connect(port, '127.0.0.1');
  await once(sock, 'connect');
  sock.end(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`).join(''));
  let got = '';
  sock.setEncoding('utf8').on('data', (d: string) => (got += d));
  const timer = setTimeout(() => sock.destroy(), 10_000);
  await once(sock, 'close');
  clearTimeout(timer);
  if ((got.match(/HTTP\/1\.1 200/g) ?? []).length !== paths.length) throw new Error(`pipelined: ${paths.length} requests, answers: ${got.slice(0, 200)}`);
}
