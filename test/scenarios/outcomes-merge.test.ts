import { describe, expect, it } from 'vitest';
import { Outcomes, type Outcome } from '../../src/scenarios/measure/outcomes.js';
import { absorbOutcomes, encodeOutcomes } from '../../src/scenarios/measure/outcomes-wire.js';
import { decodeJson, encodeJson } from '../../src/distributed/protocol.js';
import { mergeDifferences } from '../../src/distributed/differences.js';
import type { DifferenceReport, Percentiles } from '../../src/replay/types.js';

/** A deterministic mix of outcomes: two endpoints, 200/503 answers, a few transport errors, 5 s of sends. */
function outcomes(n: number): Outcome[] {
  return Array.from({ length: n }, (_, i): Outcome => {
    const base = { endpoint: i % 3 ? '/a' : '/b', intendedUs: i * 2_500, latencyUs: 300 + ((i * 7919) % 400_000) };
    return i % 17 === 0 ? { ...base, error: 'reset' } : { ...base, status: i % 11 === 0 ? 503 : 200 };
  });
}

describe('a phase spread over workers merges to what one process measures', () => {
  it('outcomes split over 3 workers, sent as JSON and absorbed: intervals, endpoints, totals and rate equal one Outcomes fed all', () => {
    const all = outcomes(2000);
    const one = new Outcomes(1000);
    for (const o of all) one.record(o);
    const merged = new Outcomes(1000);
    for (let w = 0; w < 3; w++) {
      const share = new Outcomes(1000);
      all.forEach((o, i) => i % 3 === w && share.record(o));
      absorbOutcomes(merged, decodeJson(encodeJson(encodeOutcomes(share))));
    }
    // Counts exactly; latencies to HDR precision (a decoded histogram knows its max only to its bucket).
    const counts = <T extends object>(xs: T[]): unknown[] => xs.map((x) => Object.fromEntries(Object.entries(x).filter(([k]) => !/latency/i.test(k))));
    expect(counts(merged.intervalStats())).toEqual(counts(one.intervalStats()));
    expect(counts(merged.endpointStats())).toEqual(counts(one.endpointStats()));
    const latencies = (o: Outcomes): (Percentiles | null)[] => [o.latency(), ...o.intervalStats().flatMap((i) => [i.latency, ...(i.errorLatency ? [i.errorLatency] : [])]), ...o.endpointStats().map((e) => e.latency)];
    const [a, b] = [latencies(merged), latencies(one)];
    expect(a).toHaveLength(b.length);
    a.forEach((p, i) => {
      expect(p === null, `${i}`).toBe(b[i] === null);
      for (const [k, v] of Object.entries(p ?? {})) expect(Math.abs(v - b[i]![k as keyof Percentiles]), `${i} ${k}`).toBeLessThanOrEqual(b[i]![k as keyof Percentiles] * 1e-3 + 1e-3);
    });
    expect(merged.errorRate()).toBe(one.errorRate());
    expect(merged.achievedRate()).toBe(one.achievedRate());
    expect(merged.sample.values).toHaveLength(one.sample.values.length);
    expect(merged.sample.seen).toBe(one.sample.seen);
  });

  it('difference tallies: counts add, rows join, noise is decided from the summed counts', () => {
    const part = (count: number, noiseCount: number, compared: number): DifferenceReport => ({
      mode: 'noise',
      targets: [{ target: 2, url: 'c', compared, differing: count, regressions: count, fields: [{ endpoint: '/x', field: 'body:$.t', count, noiseCount, noise: noiseCount * 2 >= count, examples: [{ id: `r${compared}`, expected: '1', actual: '2' }] }], notCompared: { count: 1, reasons: [{ reason: 'no response from the primary', count: 1 }] } }],
    });
    // Worker 1 alone would call it noise (1 × 2 ≥ 2), worker 2 not; summed: 1 × 2 < 10, a regression.
    const m = mergeDifferences([part(2, 1, 10), part(8, 0, 30)])!;
    expect(m.targets[0]).toMatchObject({ compared: 40, differing: 10, notCompared: { count: 2, reasons: [{ reason: 'no response from the primary', count: 2 }] } });
    expect(m.targets[0]!.fields).toEqual([{ endpoint: '/x', field: 'body:$.t', count: 10, noiseCount: 1, noise: false, examples: [{ id: 'r10', expected: '1', actual: '2' }, { id: 'r30', expected: '1', actual: '2' }] }]);
  });
});
