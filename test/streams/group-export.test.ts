import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@redis/client';
import { RedisServer } from '../helpers/redis-server.js';
import { recorded, runCli, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { startCli } from './procs.js';
import { output as gorOutput } from '../../src/io/outputs/gor.js';
import { output as jsonlOutput } from '../../src/io/outputs/jsonl.js';
import { REDACT_ALL } from '../../src/stages/redact/index.js';

const dir = tempDir('shadowtap-group-export-');
const N = 5000;
let redis: RedisServer;

beforeAll(async () => void (redis = await RedisServer.start()));
afterAll(async () => redis?.stop());

/** The request targets of the whole lines of a capture file (a killed writer may leave half a line). */
function targets(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').flatMap((l) => {
    try {
      const x = JSON.parse(l) as { request?: { url?: string } };
      return x.request?.url ? [new URL(x.request.url).pathname] : [];
    } catch {
      return [];
    }
  });
}

describe('convert reads a consumer group through the pump (acks after the sink wrote)', () => {
  it('an export killed mid-way and run again: every entry ends in a file at least once, none lost, none left pending', async () => {
    const capture = await writeCapture(join(dir, 'c.jsonl'), Array.from({ length: N }, (_, i) => recorded(i, i, { target: `/e/${i}` })));
    const stream = `${redis.url}/exp`;
    expect((await runCli(['convert', capture, stream])).code).toBe(0);
    const first = join(dir, 'first.jsonl');
    const url = `${stream}?group=g&consumer=c1`;
    const p = startCli(['convert', url, first]);
    // Stop it as soon as its file holds exchanges, then kill it: the export is cut mid-way.
    for (let i = 0; i < 2000 && !(existsSync(first) && statSync(first).size > 4096); i++) await sleep(5);
    p.child.kill('SIGSTOP');
    const c = createClient({ url: redis.url });
    await c.connect();
    try {
      const pendingAtKill = (await c.xPending('exp', 'g')).pending;
      await p.stop('SIGKILL');
      const cut = targets(first);
      expect(cut.length).toBeGreaterThan(0);
      expect(cut.length).toBeLessThan(N); // it was killed mid-way
      // Every acknowledged entry is in the file: what is not in it is still pending or not yet read.
      const info = await c.xInfoGroups('exp');
      expect(info[0]!.pending).toBe(pendingAtKill);
      const second = join(dir, 'second.jsonl');
      const r = await runCli(['convert', url, second]);
      expect(r.code, r.stderr).toBe(0);
      const all = new Set([...cut, ...targets(second)]);
      expect(all.size).toBe(N);
      expect((await c.xPending('exp', 'g')).pending).toBe(0);
    } finally {
      await c.close();
    }
  }, 60_000);

  // What the pump waits for before acknowledging: a file sink's flush has handed every byte to the OS.
  it.each([
    ['jsonl', jsonlOutput, (t: string) => t.split('\n').filter((l) => l.includes('/e/')).length],
    ['gor', gorOutput, (t: string) => t.match(/^1 \S+ \d+ \d+\n/gm)?.length ?? 0],
  ] as const)('a .%s sink: once flush resolves, the file holds every exchange written', async (ext, out, records) => {
    const path = join(dir, `flushed.${ext}`);
    const sink = await out.open(path, { redaction: REDACT_ALL });
    try {
      for (let b = 0; b < 10; b++) await sink.write(Array.from({ length: 50 }, (_, i) => recorded(b * 50 + i, i, { target: `/e/${b * 50 + i}` })));
      await sink.flush();
      expect(records(readFileSync(path, 'utf8'))).toBe(500);
    } finally {
      await sink.close();
    }
  });
});
