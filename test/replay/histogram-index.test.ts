import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { newHistogram, percentilesMs, recordUs } from '../../src/replay/stats/histogram.js';

type Indexed = { countsArrayIndex(v: number): number };
const Int32Histogram = (createRequire(import.meta.url)('hdr-histogram-js/dist/Int32Histogram.js') as { default: new (l: number, h: number, d: number) => Indexed }).default;

describe('latency histogram bucket index', () => {
  it('equals hdr-histogram-js own countsArrayIndex for every value (integers of any size, fractions)', () => {
    const ours = newHistogram() as unknown as Indexed;
    const theirs = new Int32Histogram(1, 3_600_000_000, 3);
    const value = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 2 ** 40, noNaN: true }), fc.integer({ min: 0, max: 31 }).map((k) => 2 ** k - 1), fc.integer({ min: 0, max: 31 }).map((k) => 2 ** k));
    fc.assert(fc.property(value, (v) => {
      expect(ours.countsArrayIndex(v)).toBe(theirs.countsArrayIndex(v));
    }), { numRuns: 20_000 });
  });

  it('percentiles are those of the package histogram fed the same values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3_600_000_000 }), { minLength: 1, maxLength: 200 }), (xs) => {
        const ours = newHistogram();
        const theirs = new Int32Histogram(1, 3_600_000_000, 3) as unknown as Parameters<typeof percentilesMs>[0] & { recordValue(v: number): void; autoResize: boolean };
        theirs.autoResize = true;
        for (const x of xs) {
          recordUs(ours, x);
          theirs.recordValue(x);
        }
        expect(percentilesMs(ours)).toEqual(percentilesMs(theirs));
      }),
      { numRuns: 300 },
    );
  });
});
