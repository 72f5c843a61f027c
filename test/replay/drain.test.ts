import { createServer, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/replay/engine.js';
import type { RequestResult } from '../../src/replay/types.js';
import { listenLoopback } from '../helpers/listen.js';

describe('the end of --drain', () => {
  const held: ServerResponse[] = [];
  // /hold is answered only when the test ends; /slow after 50 ms.
  const server = createServer((q, r) => (q.url === '/hold' ? held.push(r) : setTimeout(() => r.end('ok'), 50)));
  let url = '';
  beforeAll(async () => void (url = `http://127.0.0.1:${await listenLoopback(server)}`));
  afterAll(async () => {
    for (const r of held) r.end();
    await new Promise((r) => server.close(r));
  });

  const run = async (path: string, drainMs: number, n = 3): Promise<RequestResult[]> => {
    const results: RequestResult[] = [];
    const schedule = Array.from({ length: n }, (_, i) => ({ intendedUs: i * 1000, id: String(i), method: 'GET', target: path, headers: [] }));
    // One connection: the first request is in flight, the others wait in the target's queue.
    await runLoad({ schedule, targets: [{ url, connections: 1 }], pace: 'schedule', drainMs, warmUp: false, onResult: (r) => results.push(r) });
    return results.sort((a, b) => Number(a.id) - Number(b.id));
  };

  it('a request cut off in flight fails as drain, saying which drain; the queued ones were never sent: dropped', async () => {
    const results = await run('/hold', 300);
    expect(results.map((r) => [r.error, r.reason])).toEqual([
      ['drain', 'not answered within --drain 300 ms'],
      ['dropped', undefined],
      ['dropped', undefined],
    ]);
    // It waited the drain out: its latency says so.
    expect(results[0]!.latencyUs).toBeGreaterThanOrEqual(300_000);
  });

  it('--drain 0 sets no limit: a run whose last responses come after its schedule ends still completes', async () => {
    const results = await run('/slow', 0);
    expect(results.map((r) => r.error ?? r.status)).toEqual([200, 200, 200]);
  });
});
