import { describe, expect, it } from 'vitest';
import type { IntervalStats } from '../../src/replay/types.js';
import { seededRandom } from '../../src/replay/schedule/times.js';
import { compareSides, type Side } from '../../src/scenarios/compare.js';
import { summaryText } from '../../src/scenarios/print.js';
import type { ReportModel } from '../../src/report/model.js';
import { findKnee } from '../../src/scenarios/knee.js';
import { Outcomes } from '../../src/scenarios/measure/outcomes.js';
import { requestMix } from '../../src/scenarios/mix.js';

const pct = (ms: number) => ({ p50: ms, p90: ms, p95: ms, p99: ms, p999: ms, max: ms });

/** One-second intervals of a ramp: `rate(i)` offered, `fail(rate)` of them failing, ok latency `lat(rate)`. */
function ramp(n: number, rate: (i: number) => number, fail: (r: number) => number, lat: (r: number) => number): IntervalStats[] {
  return Array.from({ length: n }, (_, i) => {
    const offered = rate(i);
    const errors = Math.round(offered * fail(offered));
    return { startMs: i * 1000, offered, ok: offered - errors, errors, latency: pct(lat(offered)) };
  });
}

describe('ramp knee', () => {
  it('is the last rate within budget before errors are sustained, ignoring a single bad interval', () => {
    const ivs = ramp(20, (i) => 6 * (i + 1), (r) => (r === 24 ? 0.1 : r > 66 ? 0.2 : 0), () => 300);
    const k = findKnee(ivs, 1000, 20_000, 500, 0.01);
    expect(k).toMatchObject({ kneeRate: 66, breakRate: 72, breakAtMs: 11_000 });
    expect(k.reason).toBe('at 72 req/s: errors 19.4 % > 1.0 %');
  });

  it('breaks on p99 over its limit (queueing), judging p99 only with enough samples', () => {
    const ivs = ramp(20, (i) => 6 * (i + 1), () => 0, (r) => (r < 9 ? 900 : r > 70 ? 300 + (r - 70) * 40 : 300));
    expect(findKnee(ivs, 1000, 20_000, 500, 0.01)).toMatchObject({ kneeRate: 72, breakRate: 78 });
  });

  it('says when a ramp never broke, and leaves a partial last interval out', () => {
    const ivs = ramp(5, (i) => (i === 4 ? 1 : 10), () => 0, () => 10);
    expect(findKnee(ivs, 1000, 4500, 500, 0.01)).toMatchObject({ kneeRate: 10, breakRate: null, reason: 'the ramp never broke' });
  });
});

/** `runs` runs of `n` latencies around `base` ms with exponential jitter; `stall` adds a slow run. */
function side(name: string, base: number, seed: number, runs = 10, n = 40): Side {
  const rnd = seededRandom(seed);
  const samples = Array.from({ length: runs }, () => Array.from({ length: n }, () => base + -Math.log(1 - rnd()) * base * 0.05));
  const perRun = samples.map((s) => {
    const x = [...s].sort((a, b) => a - b);
    return { p50: x[Math.floor(n * 0.5)]!, p95: x[Math.floor(n * 0.95)]!, p99: x[n - 1]! };
  });
  return { configuration: name, samples, perRun, counts: samples.map((r) => ({ ok: r.length, failed: 0 })) };
}

describe('A/B verdicts', () => {
  const opts = { phase: 'rate', level: 0.95, minEffect: 0.05, limits: new Map() };

  it('no significant difference for the same distribution, worse for +30 %, better for −30 %', () => {
    let same = 0;
    for (let t = 0; t < 20; t++) if (compareSides(side('A', 20, 100 + t), side('B', 20, 200 + t), opts).every((c) => c.verdict === 'no-significant-difference')) same++;
    expect(same).toBeGreaterThanOrEqual(19);
    const worse = compareSides(side('A', 20, 1), side('B', 26, 2), opts);
    expect(worse.map((c) => c.verdict)).toEqual(['worse', 'worse', 'worse', 'no-significant-difference']);
    expect(worse[0]!.ci.low).toBeGreaterThan(0);
    expect(worse[0]!.difference).toBeCloseTo(6, 0);
    expect(worse.map((c) => c.pass)).toEqual([false, false, false, true]);
    expect(compareSides(side('A', 20, 1), side('B', 14, 2), opts).map((c) => c.verdict)).toEqual(['better', 'better', 'better', 'no-significant-difference']);
  });

  it('passes a worse B within its limit, and fails it beyond', () => {
    const within = compareSides(side('A', 20, 1), side('B', 22, 2), { ...opts, limits: new Map([['p50', { ratio: 1.2 }]]) })[0]!;
    expect([within.verdict, within.pass, within.limit]).toEqual(['worse', true, { kind: 'ratio', max: 1.2 }]);
    const beyond = compareSides(side('A', 20, 1), side('B', 30, 2), { ...opts, limits: new Map([['p50', { differenceMs: 5 }]]) })[0]!;
    expect([beyond.verdict, beyond.pass]).toEqual(['worse', false]);
  });

  it('says when an interval clear of zero is within the minimum effect, and only then', () => {
    // +3 % on every sample: a real difference, smaller than the 5 % minimum effect.
    const a = side('A', 20, 7);
    const b: Side = { ...a, configuration: 'B', samples: a.samples.map((r) => r.map((x) => x * 1.03)) };
    const [p50] = compareSides(a, b, opts);
    expect(p50!.verdict).toBe('no-significant-difference');
    expect(p50!.ci.low).toBeGreaterThan(0);
    expect(p50!.message).toMatch(/^B vs A rate p50: no-significant-difference \(0\.\d+ ms \[0\.\d+, 0\.\d+\], within the 5 % minimum effect\)$/);
    const same = compareSides(a, { ...a, configuration: 'B' }, opts);
    expect(same.map((c) => c.message).filter((m) => m?.includes('minimum effect'))).toEqual([]);
    expect(compareSides(side('A', 20, 1), side('B', 26, 2), opts)[0]!.message).not.toContain('minimum effect');
    // The summary printed at the end of `shadowtap run` says it too.
    const model = { verdict: 'pass', exitCode: 0, reasons: [], scenarios: [{ name: 'ab', verdict: 'pass', configurations: [], comparisons: [p50!] }] } as unknown as ReportModel;
    expect(summaryText(model)).toMatch(/B vs A rate p50: no-significant-difference \(Δ \+[\d.]+ ms, 95 % CI \[\+[\d.]+ ms, \+[\d.]+ ms\], within the 5 % minimum effect\)\n/);
  });

  it('is reproducible: the same runs give the same interval', () => {
    const a = side('A', 20, 5);
    const b = side('B', 21, 6);
    expect(compareSides(a, b, opts)).toEqual(compareSides(a, b, opts));
  });
});

describe('request mix and outcomes', () => {
  it('holds the weights exactly over a stretch, with no randomness', () => {
    const make = requestMix([
      { method: 'GET', path: '/a', headers: [], weight: 3, endpoint: '/a' },
      { method: 'POST', path: '/b?x=1', headers: [], weight: 1, endpoint: '/b' },
    ]);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 400; i++) counts[make(i).endpoint!] = (counts[make(i).endpoint!] ?? 0) + 1;
    expect(Math.abs(counts['/a']! - 300)).toBeLessThanOrEqual(2);
    expect(make(17)).toEqual(make(17));
  });

  it('counts a 5xx or 4xx response as a failed request, per interval and endpoint', () => {
    const o = new Outcomes(1000);
    o.record({ endpoint: '/w', intendedUs: 10, latencyUs: 300_000, status: 200 });
    o.record({ endpoint: '/w', intendedUs: 20, latencyUs: 1_000, status: 503 });
    o.record({ endpoint: '/w', intendedUs: 1_500_000, latencyUs: 0, error: 'connect-refused' });
    expect(o.errorRate()).toBeCloseTo(2 / 3);
    expect(o.intervalStats().map((i) => [i.offered, i.ok, i.errors])).toEqual([[2, 1, 1], [1, 0, 1]]);
    expect(o.endpointStats()[0]).toMatchObject({ requests: 3, errors: 2, statuses: { '200': 1, '503': 1, 'connect-refused': 1 } });
    expect(o.latency()!.p50).toBeCloseTo(300, 0);
  });
});
