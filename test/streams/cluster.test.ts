import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../helpers/redis-server.js';
import { recorded, runCli, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-cluster-');
let node: RedisServer;

// A real redis-server in cluster mode (one node is enough to answer as a cluster node).
beforeAll(async () => void (node = await RedisServer.start({ extra: ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${process.pid}.conf`)] })));
afterAll(async () => node?.stop());

describe('Redis Cluster is refused clearly', () => {
  it('reading or writing a stream on a cluster node: exit 2 naming the URL and what to use instead', async () => {
    const capture = await writeCapture(join(dir, 'c.jsonl'), [recorded(0, 0)]);
    const url = `redis://127.0.0.1:${node.port}/s`;
    for (const args of [['convert', capture, url], ['convert', url, join(dir, 'out.jsonl')], ['replay', url, '--group', 'g', '-t', 'http://127.0.0.1:1']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/redis:\/\/127\.0\.0\.1:\d+\/s: this Redis is a Redis Cluster node .*not supported.*cluster mode disabled/);
    }
  }, 30_000);
});
