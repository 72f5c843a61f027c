import { createRequire } from 'node:module';
import type { Histogram } from 'hdr-histogram-js';
import type { Percentiles } from '../types.js';

/**
 * Latency histograms record microseconds (1 µs .. 1 hour, 3 significant digits) so that sub-ms
 * differences survive; percentiles are read out in milliseconds. Plain 32-bit buckets (pure JS, no
 * WebAssembly init): the packed variant is smaller but costs ~10× more per record and merge, which
 * showed up as schedule lag.
 */
const HOUR_US = 3_600_000_000;

/** The 32-bit class alone: the package index also loads its WebAssembly build and log codecs, ~25 ms of every replay's start-up. */
const Int32Histogram = (createRequire(import.meta.url)('hdr-histogram-js/dist/Int32Histogram.js') as { default: new (lowest: number, highest: number, digits: number) => Histogram }).default;

export function newHistogram(): Histogram {
  const h = new Int32Histogram(1, HOUR_US, 3);
  h.autoResize = true; // as hdr.build() sets it
  return h;
}

export function recordUs(h: Histogram, us: number): void {
  h.recordValue(Math.min(HOUR_US, Math.max(1, Math.round(us))));
}

const ms = (us: number): number => Math.round(us) / 1000;

export function percentilesMs(h: Histogram): Percentiles {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const at = (p: number): number => ms(valueAtPercentile(h, p));
  return { p50: at(50), p90: at(90), p95: at(95), p99: at(99), p999: at(99.9), max: ms(h.maxValue) };
}

/**
 * HdrHistogram answers a percentile with the top of its bucket, which can lie above every recorded
 * value (p99.9 314 ms with a max of 313): no percentile is above the largest value recorded.
 */
export function valueAtPercentile(h: Pick<Histogram, 'getValueAtPercentile' | 'maxValue'>, p: number): number {
  return Math.min(h.getValueAtPercentile(p), h.maxValue);
}
