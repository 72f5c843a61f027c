import { decodeHistogram, encodeHistogram } from '../../distributed/protocol.js';
import { bucket, type Bucket, type Outcomes } from './outcomes.js';

/**
 * A worker's outcomes of one phase as it sends them: counters per interval, endpoint and status class
 * or error kind, one compressed HDR histogram per interval (ok and failed), and its latency sample.
 * That is everything a scenario judges (thresholds, knee, A/B), so the merge is exact, not a guess.
 */
interface WireBucket {
  offered: number;
  ok: number;
  failed: number;
  latency: string;
  failedLatency?: string;
}

export interface WireOutcomes {
  intervals: [number, WireBucket][];
  endpoints: [string, { b: WireBucket; statuses: Record<string, number> }][];
  total: WireBucket;
  sample: { values: number[]; seen: number };
  firstDoneUs: number;
  lastDoneUs: number;
}

const enc = (b: Bucket): WireBucket => ({ offered: b.offered, ok: b.ok, failed: b.failed, latency: encodeHistogram(b.latency), ...(b.failedLatency.totalCount ? { failedLatency: encodeHistogram(b.failedLatency) } : {}) });

function dec(w: WireBucket): Bucket {
  const b = bucket();
  Object.assign(b, { offered: w.offered, ok: w.ok, failed: w.failed });
  b.latency.add(decodeHistogram(w.latency));
  if (w.failedLatency) b.failedLatency.add(decodeHistogram(w.failedLatency));
  return b;
}

export function encodeOutcomes(o: Outcomes): WireOutcomes {
  return {
    intervals: [...o.intervals].map(([i, b]) => [i, enc(b)]),
    endpoints: [...o.endpoints].map(([n, e]) => [n, { b: enc(e.b), statuses: e.statuses }]),
    total: enc(o.total),
    sample: { values: o.sample.values, seen: o.sample.seen },
    firstDoneUs: o.firstDoneUs,
    lastDoneUs: o.lastDoneUs,
  };
}

/** Adds a worker's outcomes into `into`. */
export function absorbOutcomes(into: Outcomes, w: WireOutcomes): void {
  into.absorb({
    intervals: new Map(w.intervals.map(([i, b]) => [i, dec(b)])),
    endpoints: new Map(w.endpoints.map(([n, e]) => [n, { b: dec(e.b), statuses: e.statuses }])),
    total: dec(w.total),
    sample: w.sample,
    firstDoneUs: w.firstDoneUs,
    lastDoneUs: w.lastDoneUs,
  });
}
