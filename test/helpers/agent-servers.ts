import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { listenLoopback } from './listen.js';

export interface Received {
  rawHeaders: string[];
  body: Buffer;
}

export interface EchoServer {
  url: string;
  port: number;
  /** Requests seen, counted when their response was sent. */
  count: () => number;
  /** What arrived, by the x-test-id request header. */
  received: Map<string, Received>;
  /** Server-side latency of each request (µs from request to response end). */
  latenciesUs: number[];
  close: () => Promise<void>;
}

/** Deterministic binary bytes (every value 0–255 appears), so corruption anywhere shows. */
export function patternBytes(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * A real upstream: answers `?size=N&seed=S&status=C&delay=MS` with N pattern bytes, and remembers what it
 * received (keep=1) so a test can check the proxy forwarded it byte for byte.
 */
export async function startEchoServer(opts: { keep?: boolean; delayMs?: number } = {}): Promise<EchoServer> {
  const received = new Map<string, Received>();
  const latenciesUs: number[] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    const t0 = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks);
      const id = req.headers['x-test-id'];
      if (opts.keep && typeof id === 'string') received.set(id, { rawHeaders: req.rawHeaders, body });
      const status = Number(u.searchParams.get('status') ?? 200);
      const size = Number(u.searchParams.get('size') ?? 16);
      const seed = Number(u.searchParams.get('seed') ?? 1);
      const delay = Number(u.searchParams.get('delay') ?? opts.delayMs ?? 0);
      const send = (): void => {
        res.setHeader('X-Req-Sha256', sha256(body));
        res.setHeader('X-Mixed-Case', ['one', 'two']);
        if (u.searchParams.has('chunked')) res.setHeader('Transfer-Encoding', 'chunked');
        res.statusCode = status;
        const out = status === 204 || status === 304 ? Buffer.alloc(0) : patternBytes(size, seed);
        if (!u.searchParams.has('chunked') && out.length) res.setHeader('Content-Length', out.length);
        res.end(out, () => {
          count++;
          latenciesUs.push(Number(process.hrtime.bigint() - t0) / 1000);
        });
      };
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  });
  server.keepAliveTimeout = 30_000;
  const port = await listenLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    count: () => count,
    received,
    latenciesUs,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface Cli {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves with the first match of `re` on stderr (rejects after `ms`). */
  waitFor: (re: RegExp, ms?: number) => Promise<RegExpMatchArray>;
  exit: Promise<number | null>;
}

const cliPath = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

/** Runs `node dist/cli/main.js …` without a shell; the test must end it (exit is awaited in afterAll). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Cli {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  const listeners = new Set<() => void>();
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
    for (const l of listeners) l();
  });
  child.stdout!.resume();
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const waitFor = (re: RegExp, ms = 20_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = err.match(re);
        if (m) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out waiting for ${re} on stderr:\n${err}`));
      }, ms);
      listeners.add(check);
      check();
    });
  return { child, stderr: () => err, waitFor, exit };
}
