import type { Percentiles } from '../replay/types.js';
import type { DistributionPoint } from './model.js';
import { valueAtPercentile } from '../replay/stats/histogram.js';

/** The percentiles a distribution chart plots: dense in the tail, where latency stories live. */
export const DISTRIBUTION_PERCENTILES = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100];

/** What distributionFromHistogram needs of an hdr-histogram-js Histogram (values recorded in µs). */
export interface PercentileSource {
  readonly totalCount: number;
  readonly maxValue: number;
  getValueAtPercentile(percentile: number): number;
}

/** Points of a merged histogram recorded in microseconds, in ms; empty when nothing was recorded. */
export function distributionFromHistogram(h: PercentileSource): DistributionPoint[] {
  if (h.totalCount === 0) return [];
  return DISTRIBUTION_PERCENTILES.map((percentile) => ({ percentile, ms: valueAtPercentile(h, percentile) / 1000 }));
}

/** The few points a summary already holds, for callers that kept no histogram. */
export function distributionFromPercentiles(p: Percentiles): DistributionPoint[] {
  return [
    { percentile: 50, ms: p.p50 },
    { percentile: 90, ms: p.p90 },
    { percentile: 95, ms: p.p95 },
    { percentile: 99, ms: p.p99 },
    { percentile: 99.9, ms: p.p999 },
    { percentile: 100, ms: p.max },
  ];
}

/**
 * x position on a "log-ish" percentile axis: the number of nines, −log10(1 − p/100), so 90 → 1,
 * 99 → 2, 99.9 → 3. 100 (the max) sits one step past the largest finite point.
 */
export function nines(percentile: number, maxNines = 5): number {
  if (percentile >= 100) return maxNines;
  return Math.min(maxNines, -Math.log10(1 - percentile / 100));
}
