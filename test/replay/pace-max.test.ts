import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { runLoad } from '../../src/replay/engine.js';
import type { RequestResult, ScheduledRequest } from '../../src/replay/types.js';
import { listenLoopback } from '../helpers/listen.js';

/** A server that counts requests in flight at once and answers each after `delayMs`. */
async function server(delayMs: number): Promise<{ url: string; maxInFlight: () => number; close: () => Promise<void> }> {
  let now = 0;
  let max = 0;
  const s = createServer((req: IncomingMessage, res: ServerResponse) => {
    max = Math.max(max, ++now);
    req.resume();
    const answer = (): void => {
      now--;
      res.end(req.url);
    };
    if (delayMs) setTimeout(answer, delayMs);
    else setImmediate(answer);
  });
  s.keepAliveTimeout = 60_000;
  const port = await listenLoopback(s);
  return { url: `http://127.0.0.1:${port}`, maxInFlight: () => max, close: () => new Promise((r) => (s.closeAllConnections(), s.close(() => r()))) };
}

const request = (i: number): ScheduledRequest => ({ intendedUs: i, id: String(i), method: 'GET', target: `/r/${i}`, headers: [] });

/** A schedule that arrives in batches, with I/O turns between them (a read-ahead that runs dry and refills), failing after `failAt` when given. */
async function* trickle(n: number, batch: number, failAt = Infinity): AsyncGenerator<ScheduledRequest[]> {
  for (let i = 0; i < n; i += batch) {
    await new Promise((r) => setTimeout(r, 1));
    if (i >= failAt) throw new Error('schedule broke');
    yield Array.from({ length: Math.min(batch, n - i) }, (_, k) => request(i + k));
  }
}

describe("pace 'max' (--speed 0)", () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it('sends every request to every target exactly once, never more in flight than each allows, across read-ahead refills', async () => {
    const fast = await server(0);
    const slow = await server(3);
    closers.push(fast.close, slow.close);
    const results: RequestResult[] = [];
    const run = await runLoad({
      schedule: trickle(600, 37),
      targets: [{ url: fast.url, connections: 4 }, { url: slow.url, connections: 2 }],
      pace: 'max',
      onResult: (r) => results.push(r),
      drainMs: 20_000,
      warmUp: false,
    });
    for (const t of [0, 1]) {
      const ids = results.filter((r) => r.target === t).map((r) => Number(r.id));
      expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i));
      expect(run.targets[t]!.statuses['200']).toBe(600);
    }
    expect(results.every((r) => r.status === 200 && !r.error)).toBe(true);
    expect(fast.maxInFlight()).toBeLessThanOrEqual(4);
    expect(slow.maxInFlight()).toBeLessThanOrEqual(2);
    // The slow target's requests wait in its queue (sent behind the fast target's pace): counted as queued.
    expect(run.targets[1]!.queued).toBeGreaterThan(0);
  });

  it('a schedule that fails while requests are in flight fails the run', async () => {
    const s = await server(1);
    closers.push(s.close);
    await expect(runLoad({ schedule: trickle(400, 20, 200), targets: [{ url: s.url, connections: 3 }], pace: 'max', drainMs: 5_000, warmUp: false })).rejects.toThrow('schedule broke');
  });

  it('an abort stops sending; what was sent is still answered and counted', async () => {
    const s = await server(1);
    closers.push(s.close);
    const ac = new AbortController();
    const results: RequestResult[] = [];
    const run = await runLoad({
      schedule: Array.from({ length: 5000 }, (_, i) => request(i)),
      targets: [{ url: s.url, connections: 3 }],
      pace: 'max',
      signal: ac.signal,
      onResult: (r) => (results.push(r), results.length === 50 && ac.abort()),
      drainMs: 5_000,
      warmUp: false,
    });
    expect(results.length).toBeGreaterThanOrEqual(50);
    expect(results.length).toBeLessThan(60);
    expect(run.targets[0]!.requests).toBe(results.length);
  });
});
