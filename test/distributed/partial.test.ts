import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinate } from '../../src/distributed/coordinator.js';
import { RedisCoordinator, RedisWorker } from '../../src/distributed/redis.js';
import { runWorker } from '../../src/distributed/worker.js';
import type { Share } from '../../src/distributed/share.js';
import type { Up } from '../../src/distributed/protocol.js';
import type { ProgressSnapshot, RequestResult } from '../../src/replay/types.js';
import { listenLoopback } from '../helpers/listen.js';
import { startRedis } from '../helpers/redis-proc.js';

const RATE_GAP_US = 10_000; // 100 requests a second, striped over the workers

describe('a spread run that fails still reports what it measured', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let target = '';
  let served = 0;
  const server = createServer((q, r) => (served++, q.resume(), q.on('end', () => r.end('ok'))));
  beforeAll(async () => {
    redis = await startRedis();
    target = `http://127.0.0.1:${await listenLoopback(server)}`;
  });
  afterAll(async () => {
    await redis?.stop();
    await new Promise((r) => server.close(r));
  });

  it('a worker gone silent: the run returns invalid, naming it, with the live worker\'s share, its results and progress', async () => {
    const url = `${redis.url}/partial`;
    // 6 s of load: the failure comes long before its end.
    const task = async (_args: string, share: Share): Promise<void> => {
      const schedule = Array.from({ length: 600 }, (_, i) => ({ intendedUs: i * RATE_GAP_US, id: String(i), method: 'GET', target: `/${i}`, headers: [] }));
      await share.load({ schedule, targets: [{ url: target }], pace: 'schedule', drainMs: 2000, warmUp: false, onResult: (r) => share.result(r) });
    };
    // One worker's transport goes quiet once it has sent its first progress: as if cut off (its process stopped).
    const quiet = new RedisWorker(url);
    const send = quiet.send.bind(quiet);
    let silent = false;
    quiet.send = (msg: Up) => void (silent || (send(msg), (silent = msg.t === 'progress')));
    const live = new RedisWorker(url);
    const log: string[] = [];
    const workers = [runWorker(live, 10_000, (l) => log.push(l), { spread: task }), runWorker(quiet, 10_000, (l) => log.push(l), { spread: task })];
    const progress: ProgressSnapshot[] = [];
    const results: RequestResult[] = [];
    const t0 = Date.now();
    const { run } = await coordinate({
      transport: new RedisCoordinator(url),
      count: 2,
      task: 'spread',
      args: '{}',
      split: 'stripe',
      barrierMs: 10_000,
      heartbeatTimeoutMs: 1000,
      targets: [target],
      intervalMs: 1000,
      skipAfterMs: 1000,
      paced: true,
      log: () => undefined,
      onResults: (rs) => results.push(...rs),
      onProgress: (p) => progress.push(p),
      partialAfterMs: 5000,
    });
    expect(Date.now() - t0).toBeLessThan(6000);
    // Both workers were told to stop, and did (3: the run was stopped).
    expect((await Promise.all(workers)).sort()).toEqual([3, 3]);
    expect(run.validity.valid).toBe(false);
    expect(run.validity.reasons[0]).toMatch(/^worker \S+ \(worker \d of 2\) stopped heartbeating: .*the run is invalid$/);
    // The live worker's share, merged: its requests, their statuses, its results, its entry in the workers table.
    expect(run.workers).toHaveLength(1);
    const share = run.targets[0]!.requests;
    expect(share).toBeGreaterThan(0);
    expect(run.targets[0]!.statuses).toEqual({ '200': share });
    expect(results).toHaveLength(share);
    // Live progress summed the workers' counts; the last line is the merged totals.
    expect(progress.slice(0, -1).some((p) => p.completed > 0)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ scheduled: share, completed: share, errors: 0 });
    expect(served).toBeGreaterThanOrEqual(share);
  });
});
