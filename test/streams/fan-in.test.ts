import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@redis/client';
import { RedisServer } from '../helpers/redis-server.js';
import { startNodeServer } from '../helpers/capture-tools.js';
import { startServer, LOOSE_GATE } from '../helpers/replay-fixtures.js';
import { startCli, startRecorder, stopAll, type Proc } from './procs.js';

/**
 * Issue 16, "It must show" 1: three recording proxies (separate processes) publish into one stream
 * while load runs through them; two consumers of one group replay it, each exchange exactly once;
 * a consumer killed with SIGKILL mid-run leaves pending entries the other claims and finishes.
 */
const PER_PROXY = 40;
let redis: RedisServer;
let upstream: Awaited<ReturnType<typeof startNodeServer>>;
let target: Awaited<ReturnType<typeof startServer>>;
let stream: string;
const paths: string[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
  upstream = await startNodeServer();
  target = await startServer((_q, s) => s.end('ok'));
  stream = `${redis.url}/fan`;
  const recorders = await Promise.all([0, 1, 2].map(() => startRecorder(upstream.port, stream)));
  // Load through all three at once: each request's path names its proxy, so every exchange is distinct.
  await Promise.all(
    recorders.map(async ({ port }, p) => {
      for (let i = 0; i < PER_PROXY; i++) {
        const path = `/p${p}/r${i}`;
        paths.push(path);
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        expect(res.status).toBe(200);
        await res.text();
      }
    }),
  );
  await stopAll(recorders.map((r) => r.proc));
  for (const r of recorders) expect(r.proc.stderr()).toMatch(new RegExp(`: ${PER_PROXY} published, 0 dropped`));
}, 90_000);

afterAll(async () => {
  await target?.close();
  await upstream?.close();
  await redis?.stop();
});

const received = (): Map<string, string[]> => {
  const by = new Map<string, string[]>();
  for (const r of target.received) {
    const who = r.rawHeaders[r.rawHeaders.findIndex((h) => h.toLowerCase() === 'x-consumer') + 1] ?? '?';
    by.set(r.url, [...(by.get(r.url) ?? []), who]);
  }
  return by;
};

const replay = (group: string, consumer: string, extra: string[]): Proc =>
  startCli(['replay', stream, '--group', group, '--consumer', consumer, '-t', target.url, '--set-header', `x-consumer: ${consumer}`, '--no-compare', ...LOOSE_GATE, ...extra]);

const acked = (p: Proc): number => Number(/(\d+) acknowledged/.exec(p.stderr())?.[1] ?? NaN);

async function pending(group: string): Promise<number> {
  const c = createClient({ url: redis.url });
  await c.connect();
  try {
    return (await c.xPending('fan', group)).pending;
  } finally {
    await c.close();
  }
}

describe('Redis fan-in: three recording proxies, one stream, one consumer group', () => {
  it('every entry is in the stream, from three hosts, and two consumers replay each exactly once', async () => {
    expect(paths).toHaveLength(3 * PER_PROXY);
    target.received.length = 0;
    const a = replay('g', 'a', ['--speed', '0']);
    const b = replay('g', 'b', ['--speed', '0']);
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const by = received();
    expect([...by.keys()].sort()).toEqual([...paths].sort());
    expect([...by.values()].filter((v) => v.length !== 1)).toEqual([]);
    // The final accounting: every entry acknowledged once, across both consumers, none left pending.
    expect(acked(a) + acked(b)).toBe(paths.length);
    expect(await pending('g')).toBe(0);
  }, 60_000);

  it('a consumer killed with SIGKILL mid-run: the other claims its pending entries and finishes them', async () => {
    target.received.length = 0;
    // a takes entries and replays them slowly; once it has sent some, b joins and a is killed.
    const a = replay('k', 'a', ['--rate', '20']);
    await waitUntil(() => [...received().values()].filter((v) => v.includes('a')).length >= 5, 30_000);
    const b = replay('k', 'b', ['--speed', '0', '--claim-idle', '1s']);
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe(null);
    expect(await b.exited).toBe(0);
    expect(b.stderr()).toMatch(/[1-9]\d* claimed from other consumers/);
    const by = received();
    // Every recorded exchange reached the target; only what a sent but had not acknowledged came twice.
    expect([...by.keys()].sort()).toEqual([...paths].sort());
    for (const [, who] of by) if (who.length > 1) expect(who[0]).toBe('a');
    expect(await pending('k')).toBe(0);
  }, 90_000);
});

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
