import type { KneeResult, PhaseInterval } from '../report/model.js';

/** Below this many successful requests an interval's p99 is just its slowest request: judge it by errors only. */
const MIN_P99_SAMPLES = 10;

const rateOf = (iv: PhaseInterval, intervalMs: number): number => Math.round((iv.offered / (intervalMs / 1000)) * 100) / 100;

function failure(iv: PhaseInterval, p99LimitMs: number, errorBudget: number): string | null {
  const done = iv.ok + iv.errors;
  if (done > 0 && iv.errors / done > errorBudget) return `errors ${((iv.errors / done) * 100).toFixed(1)} % > ${(errorBudget * 100).toFixed(1)} %`;
  if (iv.ok >= MIN_P99_SAMPLES && iv.latency && iv.latency.p99 > p99LimitMs) return `p99 ${iv.latency.p99} ms > ${p99LimitMs} ms`;
  return null;
}

/**
 * The knee of a ramp from its per-interval statistics: the offered rate of the last interval that met
 * the p99 limit and the error budget before the first sustained failure (two failing intervals in a
 * row, or a failing last one), so one unlucky interval early in a ramp does not end it.
 */
export function findKnee(intervals: readonly PhaseInterval[], intervalMs: number, durationMs: number, p99LimitMs: number, errorBudget: number): KneeResult {
  const base = { p99LimitMs, errorBudget };
  // The last interval of a phase is usually partial: its "rate" would read low.
  const full = intervals.filter((iv) => iv.startMs + intervalMs <= durationMs + 1);
  let knee: PhaseInterval | null = null;
  for (let i = 0; i < full.length; i++) {
    const iv = full[i]!;
    const why = failure(iv, p99LimitMs, errorBudget);
    if (why === null) {
      knee = iv;
      continue;
    }
    const next = full[i + 1];
    if (next && failure(next, p99LimitMs, errorBudget) === null) continue;
    return {
      ...base,
      kneeRate: knee ? rateOf(knee, intervalMs) : null,
      breakRate: rateOf(iv, intervalMs),
      breakAtMs: iv.startMs,
      reason: `at ${rateOf(iv, intervalMs)} req/s: ${why}`,
    };
  }
  return { ...base, kneeRate: knee ? rateOf(knee, intervalMs) : null, breakRate: null, reason: 'the ramp never broke' };
}
