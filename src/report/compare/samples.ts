import type { DistributionPoint, PhaseInterval, PhaseReport, Percentiles } from '../model.js';

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

function intervalPoints(l: Percentiles): DistributionPoint[] {
  // Below the median an interval says nothing: its lower half sits at the median (the comparisons are p50 and up).
  return [[0, l.p50], [50, l.p50], [90, l.p90], [95, l.p95], [99, l.p99], [99.9, l.p999], [100, l.max]].map(([percentile, ms]) => ({ percentile: percentile!, ms: ms! }));
}

/** Clusters for the bootstrap: one per run when both sides repeated the phase, else one per interval of the run. */
export function clusters(runs: PhaseReport[], byInterval: boolean): number[][] {
  if (!byInterval) return runs.map((p) => quantileSamples(p.distribution, p.stats.requests - Object.values(p.stats.errors).reduce((a, n) => a + (n ?? 0), 0)));
  // An interval without latency (after the last send, or every send failed) has no samples to give.
  const measured = (i: PhaseInterval): i is PhaseInterval & { latency: Percentiles } => i.latency !== null && i.ok > 0;
  return runs.flatMap((p) => p.stats.intervals.filter(measured).map((i) => quantileSamples(intervalPoints(i.latency), i.ok)));
}

/** A phase's successful and failed responses (its intervals add up to the whole). */
export function phaseCounts(p: PhaseReport): { ok: number; failed: number } {
  return p.stats.intervals.reduce((c, i) => ({ ok: c.ok + i.ok, failed: c.failed + i.errors }), { ok: 0, failed: 0 });
}

/** A run's own p50/p95/p99 for a comparison, null when it had no successful response to measure. */
export function runPercentiles(p: PhaseReport): Record<'p50' | 'p95' | 'p99', number | null> {
  const l = p.stats.latency;
  return l ? { p50: l.p50, p95: l.p95, p99: l.p99 } : { p50: null, p95: null, p99: null };
}
