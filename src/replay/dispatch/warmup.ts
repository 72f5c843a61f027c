import { performance } from 'node:perf_hooks';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { ScheduledRequest, TargetOptions } from '../types.js';
import { TargetRunner } from './target.js';
import { TargetStats } from '../stats/target-stats.js';

/** Enough round trips for V8 to optimise the send and receive path (measured: fewer left the first 100 ms of a run ~0.5 ms slower). */
const ROUNDS = 400;
/** A warm-up that takes longer than this (a starved machine) is cut short: it is only an optimisation. */
const LIMIT_MS = 3000;
const RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';

/**
 * The first requests of a run would otherwise pay for code that runs for the first time: the client,
 * the runner and the statistics run unoptimised for their first few hundred requests. So before the
 * clock starts, `sample` (the run's first requests, or a stand-in) goes ROUNDS times to a throwaway
 * loopback server through the client the targets use (TLS and proxies only change how its
 * connections open). Targets see nothing.
 */
export async function warmUp(_targets: TargetOptions[], sample: ScheduledRequest[], scheduled = Infinity): Promise<void> {
  // A replay of a few requests would spend longer warming up than running (400 rounds ≈ 37 ms CPU):
  // no more rounds than it will send. Once per process: a scenario's many runs share the warmed code.
  // A short warm-up is not remembered: a later, longer run of the scenario still gets the full one.
  if (direct) return direct;
  const n = Math.min(ROUNDS, scheduled);
  if (n <= 0) return;
  const warming = withServer((url) => rounds(url, n, sample.length ? sample.map(bodiless) : [{ intendedUs: 0, id: 'warm', method: 'GET', target: '/', headers: [] }]));
  if (n === ROUNDS) direct = warming;
  await warming;
}

let direct: Promise<void> | undefined;

/** Runs `use` against a throwaway loopback server answering every request with a small 200. */
async function withServer(use: (url: string) => Promise<void>): Promise<void> {
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    // Every request head (bodies are left out) gets one small response.
    let carry = '';
    sock.on('data', (d: Buffer) => {
      const heads = (carry + d.toString('latin1')).split('\r\n\r\n');
      carry = heads.pop()!;
      for (let i = 0; i < heads.length; i++) sock.write(RESPONSE);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } catch {
    /* warm-up is best effort */
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
}

/** `n` requests through a runner like a target's (same client, handler and statistics code). */
async function rounds(url: string, n: number, reqs: ScheduledRequest[]): Promise<void> {
  const stats = new TargetStats(url, 1_000_000, 1_000_000);
  const runner = new TargetRunner(0, { url, connections: 2 }, { startUs: 0 }, false, (f) => stats.record(f.result));
  try {
    const until = performance.now() + LIMIT_MS;
    for (let i = 0; i < n && performance.now() < until; i++) {
      await runner.waitSlot();
      runner.submit({ ...reqs[i % reqs.length]!, id: `warm-${i}` }, 0, 0);
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), LIMIT_MS)));
    if ((await Promise.race([runner.waitIdle(), late])) === 'late') await runner.abandon(LIMIT_MS);
    clearTimeout(timer);
  } finally {
    await runner.close();
  }
}

/** Bodies are left out: a large one per round would only warm memcpy. */
function bodiless(r: ScheduledRequest): ScheduledRequest {
  const { body: _body, ...rest } = r;
  return rest;
}
