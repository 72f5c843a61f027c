import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@redis/client';
import { RedisServer } from '../helpers/redis-server.js';
import { LOOSE_GATE, recorded, runCli, startServer, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-skip-ack-');
let redis: RedisServer;
let servers: Awaited<ReturnType<typeof startServer>>[];

beforeAll(async () => {
  redis = await RedisServer.start();
  servers = await Promise.all([startServer(), startServer()]);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await redis?.stop();
});

describe('replay --group with the staging stage skipping a request for one target', () => {
  it('the skipped request counts as handled there: every entry is acknowledged, none left pending', async () => {
    const capture = await writeCapture(join(dir, 'c.jsonl'), [
      ...[0, 1, 2].map((i) => recorded(i, i * 5, { target: `/items/${i}` })),
      ...[3, 4].map((i) => recorded(i, i * 5, { method: 'POST', target: `/items/${i}`, body: '{}' })),
    ]);
    const stream = `${redis.url}/skips`;
    expect((await runCli(['convert', capture, stream])).code).toBe(0);
    const open = join(dir, 'open.yaml');
    const noWrites = join(dir, 'no-writes.yaml');
    writeFileSync(open, '{}\n');
    writeFileSync(noWrites, 'writes: false\n');
    // The second target's staging refuses writes: the two POSTs are skipped there.
    const r = await runCli(['replay', stream, '--group', 'g', '-t', servers[0]!.url, '-t', servers[1]!.url, '--staging', open, '--staging', noWrites, '--no-compare', ...LOOSE_GATE]);
    expect(r.code, r.stderr).toBe(0);
    expect(servers[0]!.received).toHaveLength(5);
    expect(servers[1]!.received.map((q) => q.method)).toEqual(['GET', 'GET', 'GET']);
    expect(r.stderr).toMatch(/5 read, .* 5 acknowledged/);
    const c = createClient({ url: redis.url });
    await c.connect();
    try {
      expect((await c.xPending('skips', 'g')).pending).toBe(0);
    } finally {
      await c.close();
    }
  }, 30_000);
});
