import type { DistributionPoint, IntervalStats, PhaseReport } from '../model.js';

/**
 * Two summaries hold no raw latencies, only percentile points (each run's merged histogram, each
 * interval's percentiles). The A/B bootstrap wants samples: these are the points' quantile function
 * read at evenly spaced quantiles, as many as the run or interval had responses (capped).
 */
const CAP = 1000;

function quantileSamples(points: DistributionPoint[], count: number): number[] {
  const pts = [...points].sort((a, b) => a.percentile - b.percentile);
  const n = Math.min(CAP, Math.max(0, Math.round(count)));
  if (pts.length === 0 || n === 0) return [];
  const at = (p: number): number => {
    const hi = pts.findIndex((x) => x.percentile >= p);
    if (hi <= 0) return pts[hi < 0 ? pts.length - 1 : 0]!.ms;
    const a = pts[hi - 1]!;
    const b = pts[hi]!;
    return a.ms + ((b.ms - a.ms) * (p - a.percentile)) / (b.percentile - a.percentile || 1);
  };
  return Array.from({ length: n }, (_, i) => at((100 * (i + 0.5)) / n));
}

function intervalPoints(i: IntervalStats): DistributionPoint[] {
  const l = i.latency;
  // Below the median an interval says nothing: its lower half sits at the median (the comparisons are p50 and up).
  return [[0, l.p50], [50, l.p50], [90, l.p90], [95, l.p95], [99, l.p99], [99.9, l.p999], [100, l.max]].map(([percentile, ms]) => ({ percentile: percentile!, ms: ms! }));
}

/** Clusters for the bootstrap: one per run when both sides repeated the phase, else one per interval of the run. */
export function clusters(runs: PhaseReport[], byInterval: boolean): number[][] {
  if (!byInterval) return runs.map((p) => quantileSamples(p.distribution, p.stats.requests - Object.values(p.stats.errors).reduce((a, n) => a + (n ?? 0), 0)));
  return runs.flatMap((p) => p.stats.intervals.filter((i) => i.ok > 0).map((i) => quantileSamples(intervalPoints(i), i.ok)));
}
