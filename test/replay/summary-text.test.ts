import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { printSummary } from '../../src/replay/summary-text.js';
import { TargetStats } from '../../src/replay/stats/target-stats.js';
import { DEFAULT_LIMITS, ValidityMonitor } from '../../src/replay/validity.js';
import { compileRules } from '../../src/replay/compare/rules.js';
import type { ReplaySummary, RequestResult } from '../../src/replay/types.js';

// What the text summary claims: nothing measured prints "-", never a 0 that reads as a measurement.

const result = (intendedUs: number, o: Partial<RequestResult> = {}): RequestResult => ({ id: `r${intendedUs}`, target: 0, endpoint: '/a', method: 'GET', intendedUs, sentUs: intendedUs, latencyUs: 20_000, rawLatencyUs: 19_000, lagUs: 50, status: 200, ...o });

function printed(record: (s: TargetStats) => void, offeredSpanUs = 0): string {
  const stats = new TargetStats('http://t', 1_000_000, 1_000_000);
  record(stats);
  const summary = { targets: [stats.summary(1e6, offeredSpanUs, true)], validity: { valid: true, reasons: [], eventLoopDelayP99Ms: 1, cpu: 0.1, scheduleLagP99Ms: 0 } } as unknown as ReplaySummary;
  let text = '';
  const out = new PassThrough().on('data', (d: Buffer) => (text += d.toString()));
  printSummary(summary, out);
  return text;
}

describe('replay text summary', () => {
  it('a one-request run: the rates are "-" (one event spans no time), the latencies are measured', () => {
    const text = printed((s) => (s.offered(0), s.record(result(0))));
    expect(text).toContain('requests 1  offered -  achieved -  dropped 0');
    expect(text).toContain('latency ms (from intended)  p50 20');
    expect(text).not.toMatch(/\b0\/s/);
  });

  it('no response at all: latency and raw latency are "-", lag of the failed sends is measured', () => {
    const text = printed((s) => {
      for (const t of [0, 100_000]) {
        s.offered(t);
        s.record(result(t, { status: undefined, error: 'connect-refused' }));
      }
    }, 100_000);
    expect(text).toContain('latency ms (from intended)  p50 -  p90 -  p99 -  p99.9 -  max -');
    expect(text).toContain('raw latency ms (from send)  p50 -  p90 -  p99 -  max -');
    expect(text).toContain('schedule lag ms (at the socket write)  p50 0.05');
    // No response is no rate achieved: that 0 is a measurement.
    expect(text).toContain('achieved 0/s');
  });

  it('two responses are a rate', () => {
    const text = printed((s) => [0, 500_000].forEach((t) => (s.offered(t), s.record(result(t)))), 500_000);
    expect(text).toMatch(/offered 2\/s {2}achieved 2\/s/);
  });

  it('late sends were sent: the validity reason does not call them skipped', () => {
    const v = new ValidityMonitor(DEFAULT_LIMITS).finish(5, 30, true);
    expect(v.reasons).toContain('30 sends more than 1000 ms late');
    expect(v.reasons.join()).not.toContain('skipped');
  });

  it('a bad --ignore-regex names the flag', () => {
    expect(() => compileRules({ ignoreRegex: ['('] })).toThrow(/^--ignore-regex \(: not a valid regular expression: /);
  });
});
