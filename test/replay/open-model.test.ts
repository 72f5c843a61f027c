import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { recorded, writeCapture, runCli, readSummary, childServer } from '../helpers/replay-fixtures.js';

const dir = tempDir('shadowtap-open-');
const GATE = ['--max-lag-p99', '1s', '--max-loop-delay', '1s', '--quiet'];

describe('open model: latency from the intended send time', async () => {
  const capture = await writeCapture(join(dir, 'one.jsonl'), [recorded(0, 0)]);

  it('a server answering after exactly 300 ms, at 20 req/s: p50 from intended time ≥ 300 ms, and no more than its wire time plus the measured lag', async () => {
    const slow = await childServer('slow300');
    try {
      const summary = join(dir, 'slow.json');
      const r = await runCli(['replay', capture, '-t', slow.url, '--rate', '20', '--loop', 'forever', '--duration', '4s', '--summary', summary, ...GATE], {}, 60_000, true);
      expect(r.code, r.stderr).toBe(0);
      const t = readSummary(summary).targets[0]!;
      expect(t.requests).toBe(80);
      expect(t.statuses).toEqual({ '200': 80 });
      expect(t.offeredRate).toBeCloseTo(20, 0);
      // Other processes can only make a response later, never earlier: nothing is under-reported.
      expect(t.rawLatency.p50).toBeGreaterThanOrEqual(300);
      expect(t.latency.p50).toBeGreaterThanOrEqual(t.rawLatency.p50);
      // Each request's latency from its intended time is its send lag plus its time on the wire, so the
      // median can exceed the wire's median by at most the largest lag (plus the histograms' 0.1 %
      // precision): nothing is added beyond what was measured, however loaded the machine.
      const slack = t.scheduleLag.max + 0.002 * t.latency.p50 + 0.01;
      expect(t.latency.p50, JSON.stringify({ latency: t.latency, raw: t.rawLatency, lag: t.scheduleLag })).toBeLessThanOrEqual(t.rawLatency.p50 + slack);
    } finally {
      slow.stop();
    }
  });

  it('a server frozen for 600 ms in a 10 s run at 200 req/s: p99 ≥ 450 ms from intended time; raw latency shows the closed-loop view', async () => {
    const server = await childServer('ok');
    let freeze: NodeJS.Timeout | undefined;
    // Freeze 3 s after the first request arrived, i.e. 3 s into the run. The freeze stays well under the
    // 1 s past which a send counts as skipped (which makes the run invalid): on a loaded machine this
    // process sends SIGCONT late, and every late millisecond is send lag in the replay.
    void server.firstRequest.then(() => {
      freeze = setTimeout(() => {
        process.kill(server.pid, 'SIGSTOP');
        freeze = setTimeout(() => process.kill(server.pid, 'SIGCONT'), 600);
      }, 3000);
    });
    try {
      const summary = join(dir, 'freeze.json');
      // While the server is frozen every connection waits on it, so requests scheduled then are written
      // late: send lag reaches the freeze's length (600 ms, longer when this loaded process sends SIGCONT
      // late). The validity gate guards against a starved generator, so it sits above that, at 3 s.
      const gate = ['--max-lag-p99', '3s', ...GATE.slice(2)];
      const r = await runCli(['replay', capture, '-t', server.url, '--rate', '200', '--loop', 'forever', '--duration', '10s', '--summary', summary, ...gate], {}, 60_000, true);
      expect(r.stdout + r.stderr).not.toMatch(/could not keep the schedule/);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const t = readSummary(summary).targets[0]!;
      expect(t.requests).toBe(2000);
      expect(t.statuses['200']).toBe(2000);
      expect(t.latency.p99).toBeGreaterThanOrEqual(450);
      // A closed-loop tool only sees the few requests that were on the wire during the freeze.
      expect(t.rawLatency.p99).toBeLessThan(t.latency.p99 / 2);
      // "Fast" is measured against the freeze (600 ms), not in absolute milliseconds: a loaded 2-core CI
      // machine answers a loopback request in far more than the usual 1 ms.
      expect(t.rawLatency.p50).toBeLessThan(250);
      const worst = t.intervals.reduce((a, b) => (b.latency.max > a.latency.max ? b : a));
      expect(worst.startMs).toBeGreaterThanOrEqual(2000);
      expect(worst.startMs).toBeLessThanOrEqual(4000);
      expect(t.intervals.filter((iv) => iv.latency.p50 < 250).length).toBeGreaterThanOrEqual(7);
    } finally {
      clearTimeout(freeze);
      process.kill(server.pid, 'SIGCONT');
      server.stop();
    }
  });
});

