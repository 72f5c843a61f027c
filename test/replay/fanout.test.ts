import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { recorded, writeCapture, readSummary, childServer, runCli, LOOSE_GATE } from '../helpers/replay-fixtures.js';

const dir = tempDir('shadowtap-fanout-');

describe('fan-out: one stalled target does not hold back the others', async () => {
  const capture = await writeCapture(join(dir, 'one.jsonl'), [recorded(0, 0)]);
  const load = ['--rate', '200', '--loop', 'forever', '--duration', '3s', '--connections', '5', '--max-queue', '200', '--drain', '1s', ...LOOSE_GATE];

  it('the healthy target keeps its schedule and latency; the stalled one queues, then drops and counts', async () => {
    const healthy = await childServer('ok');
    const stalled = await childServer('stall');
    const stalledUrl = stalled.url;
    try {
      const alone = join(dir, 'alone.json');
      const both = join(dir, 'both.json');
      expect((await runCli(['replay', capture, '-t', healthy.url, '--summary', alone, ...load], {}, 60_000, true)).code).toBe(0);
      const r = await runCli(['replay', capture, '-t', healthy.url, '-t', stalledUrl, '--summary', both, ...load], {}, 60_000, true);
      // The stalled target's requests all failed: the run fails (exit 1), and says which target.
      expect(r.code).toBe(1);
      const base = readSummary(alone).targets[0]!;
      const s = readSummary(both);
      const [ok, stuck] = s.targets as [typeof base, typeof base];
      expect(ok.requests).toBe(600);
      expect(stuck.requests).toBe(600);
      expect(ok.statuses).toEqual({ '200': 600 });
      // Same schedule, same latency, within the noise of a shared 2-core machine (medians: other
      // processes stall this one now and then, which moves tails, not medians).
      expect(ok.scheduleLag.p50).toBeLessThan(base.scheduleLag.p50 * 3 + 3);
      expect(ok.latency.p50).toBeLessThan(base.latency.p50 * 2 + 5);
      // The stalled target: 5 in flight, 200 queued, the rest dropped at once; the queue is dropped at the end of the drain.
      expect(stuck.statuses).toEqual({});
      expect(stuck.dropped).toBe(595);
      // The 200 that waited for a connection are counted as queued, and said so.
      expect(stuck.queued).toBe(200);
      expect(r.stdout).toContain('queued for a connection 200');
      expect(Object.values(stuck.errors).reduce((a, b) => a + b, 0)).toBe(600);
      expect(s.generator!.maxRssMb).toBeLessThan(200);
      expect(s.verdict!.checks.map((c) => [c.configuration, c.pass])).toEqual([[healthy.url, true], [stalledUrl, false]]);
    } finally {
      healthy.stop();
      stalled.stop();
    }
  });
});
