import type { ComparisonResult, ComparisonVerdict } from '../report/model.js';
import { signed, withinMinEffect } from '../report/format.js';
import { PERCENTILE_OF, RESAMPLES, bootstrapDifference, pooled, quantile, type ComparedMetric } from './bootstrap.js';
import { errorRateDifference, type Counts } from './compare-errors.js';

export { PERCENTILE_OF, type ComparedMetric } from './bootstrap.js';

export interface Side {
  configuration: string;
  /** Latency samples (ms) of each cluster (a run, or an interval), in order. */
  samples: number[][];
  /** Each run's own percentiles, for the report (null: the run had no successful response). */
  perRun: Record<ComparedMetric, number | null>[];
  /** Successful and failed responses of each run, in run order. */
  counts: Counts[];
}

export interface CompareOptions {
  phase: string;
  level: number;
  /** Relative differences smaller than this are not called better or worse. */
  minEffect: number;
  limits: Map<ComparedMetric, { ratio?: number; differenceMs?: number }>;
  /** What the clusters are: repeated interleaved runs, or the intervals of one run a side. */
  clusters?: 'runs' | 'intervals';
  /** Appended to the method (e.g. runs measured again). */
  note?: string;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function method(what: string, a: Side, o: CompareOptions): string {
  const how = o.clusters === 'intervals'
    ? `one run a side; bootstrap over its intervals, paired by position (${RESAMPLES} resamples)`
    : `pooled over ${a.perRun.length} interleaved runs; paired run-level bootstrap (${RESAMPLES} resamples)`;
  return `${what}; ${how}; min effect ${o.minEffect * 100} %${o.note ? `; ${o.note}` : ''}`;
}

function verdictOf(low: number, high: number, effect: number): ComparisonVerdict {
  return low > effect ? 'worse' : high < -effect ? 'better' : 'no-significant-difference';
}

/** A side with nothing to measure: no verdict can be true, so the comparison fails and says why. */
function notComparable(metric: string, unit: 'ms' | 'percent', a: Side, b: Side, o: CompareOptions, why: string): ComparisonResult {
  return {
    metric, unit, phase: o.phase,
    a: { configuration: a.configuration, value: null, runs: a.perRun.map(() => null) },
    b: { configuration: b.configuration, value: null, runs: b.perRun.map(() => null) },
    difference: null, ci: { low: null, high: null, level: o.level }, verdict: 'not-comparable', minEffect: o.minEffect,
    method: method(`${metric} not compared`, a, o), pass: false,
    message: `${b.configuration} vs ${a.configuration} ${o.phase} ${metric}: not comparable (${why})`,
  };
}

const runs = (s: Side): string => `${s.perRun.length} run${s.perRun.length === 1 ? '' : 's'}`;

/**
 * Error rate of B against A (lower is better): "worse" needs the whole interval above minEffect × A,
 * and fails the comparison — a side that answers fewer requests is never the better one.
 */
function compareErrorRates(a: Side, b: Side, o: CompareOptions): ComparisonResult {
  const d = errorRateDifference(a.counts, b.counts, o.level);
  if (!d) return notComparable('errorRate', 'percent', a, b, o, [a, b].filter((s) => !s.counts.some((c) => c.ok + c.failed)).map((s) => `${s.configuration} had no response in ${runs(s)}`).join('; '));
  const verdict = verdictOf(d.low, d.high, o.minEffect * d.a);
  const rate = (c: Counts): number | null => (c.ok + c.failed ? round(c.failed / (c.ok + c.failed)) : null);
  const pass = verdict !== 'worse';
  const ci = { low: round(d.low), high: round(d.high), level: o.level };
  return {
    metric: 'errorRate', unit: 'percent', phase: o.phase,
    a: { configuration: a.configuration, value: round(d.a), runs: a.counts.map(rate) },
    b: { configuration: b.configuration, value: round(d.b), runs: b.counts.map(rate) },
    difference: round(d.b - d.a), ...(d.a !== 0 ? { relative: round(d.b / d.a - 1) } : {}), ci, verdict, minEffect: o.minEffect,
    method: `errorRate: failed share of each side's responses; paired run-level bootstrap (runs i of A and B together, ${RESAMPLES} resamples), each picked run's failures drawn again${o.note ? `; ${o.note}` : ''}`, pass,
    message: `${b.configuration} vs ${a.configuration} ${o.phase} errorRate: ${verdict} (${signed(round(d.b - d.a), 'percent')} [${signed(ci.low, 'percent')}, ${signed(ci.high, 'percent')}]${withinMinEffect({ verdict, ci, minEffect: o.minEffect })})${pass ? '' : ' — fails'}`,
  };
}

/**
 * Verdicts on B against A for p50, p95 and p99, then the error rate (lower is better). "worse" needs
 * the whole interval above minEffect × A (so above zero, and by an amount that matters): with ten runs
 * a percentile bootstrap is a little optimistic, and tail percentiles of a few hundred samples are
 * coarse, so a bare "excludes zero" would call identical configurations different too often. A limit
 * says how much worse is tolerated: the comparison then fails only when even the interval's low end
 * is past it. Latency is of successful responses only, so when one side fails significantly more, a
 * latency difference in that side's favour is not called (shedding load shortens what is left).
 */
export function compareSides(a: Side, b: Side, o: CompareOptions): ComparisonResult[] {
  const errors = compareErrorRates(a, b, o);
  const metrics = Object.keys(PERCENTILE_OF) as ComparedMetric[];
  const all = (s: Side) => pooled(s.samples, s.samples.map((_, i) => i));
  const pa = all(a);
  const pb = all(b);
  const empty = [a, b].filter((s) => !s.samples.some((r) => r.length));
  if (empty.length) {
    const why = empty.map((s) => `${s.configuration} had no successful response in ${runs(s)}`).join('; ');
    return [...metrics.map((m) => notComparable(m, 'ms', a, b, o, why)), errors];
  }
  const cis = bootstrapDifference(a.samples, b.samples, metrics.map((m) => PERCENTILE_OF[m]), o.level);
  return [...metrics.map((metric, m): ComparisonResult => {
    const av = quantile(pa, PERCENTILE_OF[metric]);
    const bv = quantile(pb, PERCENTILE_OF[metric]);
    const difference = bv - av;
    const ci = cis[m]!;
    let verdict = verdictOf(ci.low, ci.high, o.minEffect * Math.abs(av));
    const l = o.limits.get(metric);
    let limit: ComparisonResult['limit'];
    let tolerated = 0;
    if (l?.ratio !== undefined) {
      limit = { kind: 'ratio', max: l.ratio };
      tolerated = (l.ratio - 1) * av;
    } else if (l?.differenceMs !== undefined) {
      limit = { kind: 'difference', max: l.differenceMs };
      tolerated = l.differenceMs;
    }
    const pass = limit ? !(verdict === 'worse' && ci.low > tolerated) : verdict !== 'worse';
    const favoured = errors.verdict === 'worse' ? 'better' : errors.verdict === 'better' ? 'worse' : null;
    const shedder = errors.verdict === 'worse' ? b.configuration : a.configuration;
    const confounded = verdict === favoured;
    if (confounded) verdict = 'not-comparable';
    const span = `${round(difference)} ms [${round(ci.low)}, ${round(ci.high)}]${withinMinEffect({ verdict, ci: { ...ci, level: o.level }, minEffect: o.minEffect })}`;
    return {
      metric,
      unit: 'ms',
      phase: o.phase,
      a: { configuration: a.configuration, value: round(av), runs: a.perRun.map((r) => r[metric]) },
      b: { configuration: b.configuration, value: round(bv), runs: b.perRun.map((r) => r[metric]) },
      difference: round(difference),
      ...(av !== 0 ? { relative: round(bv / av - 1) } : {}),
      ci: { low: round(ci.low), high: round(ci.high), level: o.level },
      verdict,
      minEffect: o.minEffect,
      method: method(`${metric} of each side's successful responses`, a, o),
      ...(limit ? { limit } : {}),
      pass,
      message: `${b.configuration} vs ${a.configuration} ${o.phase} ${metric}: ${verdict} (${span})${confounded ? `: ${shedder} failed significantly more requests, its latency is of fewer responses` : ''}${pass ? '' : limit ? ' beyond the limit' : ''}`,
    };
  }), errors];
}
