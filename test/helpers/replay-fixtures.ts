import { spawn } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CaptureWriter } from '../../src/formats/capture-file.js';
import { createRedactor, REDACT_ALL } from '../../src/stages/redact/index.js';
import type { Exchange, Header } from '../../src/exchange.js';
import type { ReplaySummary } from '../../src/replay/types.js';
import { listenLoopback } from './listen.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/**
 * Validity-gate limits for tests that check something else: other test files load this 2-core machine,
 * and a descheduled generator is the gate's business, not theirs.
 */
export const LOOSE_GATE = ['--max-lag-p99', '1s', '--max-loop-delay', '1s', '--quiet'];

const T0 = 1_700_000_000_000_000;

/** One recorded exchange at `atMs` into the capture. */
export function recorded(i: number, atMs: number, o: { method?: string; target?: string; headers?: Header[]; body?: string; status?: number; responseBody?: string; responseHeaders?: Header[] } = {}): Exchange {
  const t = T0 + Math.round(atMs * 1000);
  return {
    id: `r${i}`,
    timing: { requestStartUs: t, requestEndUs: t, responseStartUs: t + 1000, responseEndUs: t + 1000 },
    request: {
      method: o.method ?? 'GET',
      target: o.target ?? `/items/${i}`,
      httpVersion: 'HTTP/1.1',
      headers: o.headers ?? [{ name: 'Host', value: 'prod.example' }],
      ...(o.body !== undefined ? { body: { text: o.body, size: Buffer.byteLength(o.body), truncated: false } } : {}),
    },
    response: {
      status: o.status ?? 200,
      reason: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: o.responseHeaders ?? [{ name: 'Content-Type', value: 'application/json' }],
      body: { text: o.responseBody ?? '{}', size: Buffer.byteLength(o.responseBody ?? '{}'), truncated: false },
    },
  };
}

/** A capture file written as a recording writes it: through the redaction stage (default policy, key from the environment). */
export async function writeCapture(path: string, exchanges: Iterable<Exchange>): Promise<string> {
  const redact = createRedactor(REDACT_ALL);
  const w = CaptureWriter.open(path);
  for (const ex of exchanges) await w.write(redact(ex));
  await w.close();
  return path;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `shadowtap …` (built CLI) to completion; killed after `timeoutMs`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000, priority = false): Promise<CliRun> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(https?|no)_proxy$/i.test(k)));
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (priority) boost(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const t0 = Date.now();
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    }),
  );
}

export function readSummary(path: string): ReplaySummary {
  return JSON.parse(readFileSync(path, 'utf8')) as ReplaySummary;
}

export interface Received {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
}

/** A real HTTP server on 127.0.0.1:0 that keeps what it receives; `respond` decides the answer. */
export async function startServer(respond: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void = (_q, s) => s.end('{}')): Promise<{ url: string; port: number; received: Received[]; server: Server; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body });
      respond(req, res, body);
    });
  });
  server.keepAliveTimeout = 60_000;
  const port = await listenLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    server,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** A scenario target: 500 for /broken (a failed request in a scenario's terms), 200 otherwise; keeps every request. */
export function startBrokenPathServer(): ReturnType<typeof startServer> {
  return startServer((req, res) => {
    res.statusCode = req.url?.startsWith('/broken') ? 500 : 200;
    res.end('{"ok":true}');
  });
}

/** A port that was free a moment ago (bind 0, read it, close): for daemons that need a number. */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  const port = await listenLoopback(s);
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * A target in its own process (so the test worker's own load does not delay it, and SIGSTOP freezes
 * it for real): 'ok' answers at once, 'slow300' after exactly 300 ms, 'stall' reads and never answers.
 * `firstRequest` resolves when the first request arrives (the run has started). Timing tests run it
 * at raised priority (we are root here): the machine is shared with other test runs.
 */
export async function childServer(mode: 'ok' | 'slow300' | 'stall'): Promise<{ url: string; pid: number; firstRequest: Promise<void>; stop: () => void }> {
  const answer = { ok: "r.end('ok')", slow300: "setTimeout(()=>r.end('ok'),300)", stall: '0' }[mode];
  const src = `let f=0;const s=require('http').createServer((q,r)=>{if(!f++)console.log('first');q.resume();q.on('end',()=>{${answer}})});s.keepAliveTimeout=60000;s.headersTimeout=0;s.requestTimeout=0;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`;
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  boost(child.pid);
  const lines = createInterface({ input: child.stdout! });
  const it = lines[Symbol.asyncIterator]();
  const port = String((await it.next()).value).trim();
  const firstRequest = it.next().then(() => undefined);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, firstRequest, stop: () => child.kill('SIGKILL') };
}

/** Raises a process's scheduling priority when allowed (root); a no-op otherwise. */
export function boost(pid: number | undefined): void {
  try {
    if (pid) setPriority(pid, -10);
  } catch {
    /* not permitted: run at normal priority */
  }
}
