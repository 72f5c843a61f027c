import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TargetStats } from '../../src/replay/stats/target-stats.js';
import { newHistogram, percentilesMs, recordUs } from '../../src/replay/stats/histogram.js';
import { decodeInterval, decodeJson, decodeTotals, encodeInterval, encodeJson, encodeTotals } from '../../src/distributed/protocol.js';
import type { RequestResult } from '../../src/replay/types.js';
import type { JsHistogram } from 'hdr-histogram-js';

const result = (i: number, intendedUs: number, latencyUs: number): RequestResult => ({ id: `q${i}`, target: 0, endpoint: '/x', method: 'GET', intendedUs, sentUs: intendedUs, latencyUs, rawLatencyUs: latencyUs, lagUs: 10, status: 200 });

describe('merged results equal one process fed every sample', () => {
  it('p50/p99/p99.9/max of the merged workers == one histogram of all samples; intervals and counts add up', () => {
    const samples = fc.array(fc.tuple(fc.integer({ min: 0, max: 4_999_999 }), fc.integer({ min: 1, max: 2_000_000 })), { minLength: 1, maxLength: 400 });
    fc.assert(
      fc.property(samples, fc.integer({ min: 1, max: 5 }), (rows, workers) => {
        const one = new TargetStats('t', 1_000_000, 1_000_000);
        const parts = Array.from({ length: workers }, () => new TargetStats('t', 1_000_000, 1_000_000));
        const all = newHistogram();
        const wire: ReturnType<typeof encodeInterval>[] = [];
        parts.forEach((p) => (p.onClose = (startUs, iv) => wire.push(encodeInterval(0, startUs, iv))));
        rows.forEach(([at, lat], i) => {
          recordUs(all, lat);
          for (const s of [one, parts[i % workers]!]) {
            s.offered(at);
            s.record(result(i, at, lat));
          }
        });
        const merged = new TargetStats('t', 1_000_000, 1_000_000);
        const totals = parts.map((p) => (p.summary(5e6, 5e6, true), encodeTotals(p.totals())));
        // Over the wire (compressed HDR, JSON), intervals before totals, in any order of workers.
        for (const w of decodeJson<typeof wire>(encodeJson(wire)).reverse()) merged.absorbInterval(w.startUs, decodeInterval(w));
        for (const t of totals) merged.absorbTotals(decodeTotals(decodeJson(encodeJson(t))));
        const m = merged.summary(5e6, 5e6, true);
        const s = one.summary(5e6, 5e6, true);
        const p = percentilesMs(all);
        // The compressed form keeps HDR's buckets, not the exact largest value: equal to HDR precision
        // means the same bucket (3 significant digits).
        const bucket = (ms: number): number => (all as unknown as JsHistogram).lowestEquivalentValue(Math.round(ms * 1000));
        const pick = (x: typeof p): number[] => [x.p50, x.p99, x.p999, x.max].map(bucket);
        expect(pick(m.latency)).toEqual(pick(p));
        expect(pick(m.latency)).toEqual(pick(s.latency));
        expect(m.intervals.map((iv) => [iv.startMs, iv.offered, iv.ok, iv.errors, ...pick(iv.latency)])).toEqual(s.intervals.map((iv) => [iv.startMs, iv.offered, iv.ok, iv.errors, ...pick(iv.latency)]));
        expect([m.requests, m.statuses, m.offeredRate, m.achievedRate, m.endpoints.length]).toEqual([s.requests, s.statuses, s.offeredRate, s.achievedRate, s.endpoints.length]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('the wire JSON', () => {
  it('keeps ±Infinity, NaN and bytes (a Buffer or a Uint8Array, as base64) through encodeJson/decodeJson', () => {
    const v = { loop: Infinity, low: -Infinity, nan: NaN, body: new Uint8Array([0, 1, 250]), nested: [{ body: Buffer.from('hé\n') }] };
    const s = encodeJson(v);
    expect(s).not.toContain('"0":');
    const d = decodeJson<typeof v>(s);
    expect([d.loop, d.low, Number.isNaN(d.nan)]).toEqual([Infinity, -Infinity, true]);
    expect([...d.body]).toEqual([0, 1, 250]);
    expect(Buffer.from(d.nested[0]!.body).toString()).toBe('hé\n');
  });

  it("gives back the caller's objects that look like its tags ($num, $b64, $obj as an object's one key)", () => {
    const v = { headers: { $num: 'Infinity' }, b: { $b64: 'aGk=' }, o: { $obj: [['a', 1]] }, deep: [{ $num: { $b64: Infinity } }], two: { $num: '1', x: 2 } };
    const d = decodeJson<typeof v>(encodeJson(v));
    expect(d).toEqual(v);
    expect(typeof d.headers.$num).toBe('string');
  });
});
