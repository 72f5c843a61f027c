import { judge, type ThresholdResult, type Verdict } from '../verdict.js';
import type { ReplaySummary, RunSummary, TargetSummary } from './types.js';
import { pct } from '../units/format.js';

/** Transport errors (refused, reset, timeouts, proxy, TLS, DNS, dropped) beyond 1 % of requests fail a replay. */
export const DEFAULT_MAX_ERROR_RATE = 0.01;

/** What a replay's gates decided: written into `--summary`, rendered by the report, and the exit code. */
export interface ReplayVerdict {
  result: Verdict;
  exitCode: 0 | 1 | 3;
  /** One line each: why it failed or was invalid (the failures, then the invalidity). */
  reasons: string[];
  /** The reasons that fail it (exit 1). */
  failures: string[];
  /** Per target: its transport error rate against the limit. */
  checks: ThresholdResult[];
  /** Differing responses are among the reasons (--fail-on-diff). */
  differencesFail: boolean;
}

export interface ReplayGates {
  /** Fraction 0..1; Infinity = no error-rate gate. */
  maxErrorRate: number;
  /** Responses differing (beyond noise) fail the run. */
  failOnDiff: boolean;
}

/** "proxy-error 20 (proxy connection refused 127.0.0.1:1 ×20)": the error breakdown with its reasons. */
export function errorBreakdown(t: Pick<TargetSummary, 'errors' | 'errorReasons'>): string {
  const reasons = Object.entries(t.errorReasons ?? {});
  return Object.entries(t.errors).filter(([, n]) => n).map(([cls, n]) => {
    const why = reasons.filter(([k]) => k.startsWith(`${cls}: `)).map(([k, m]) => `${k.slice(cls.length + 2)} ×${m}`);
    return `${cls} ${n}${why.length ? ` (${why.join('; ')})` : ''}`;
  }).join(', ');
}

function errorRateCheck(t: TargetSummary, maxErrorRate: number): ThresholdResult {
  const errors = Object.values(t.errors).reduce((a, n) => a + (n ?? 0), 0);
  const actual = t.requests ? errors / t.requests : 0;
  const pass = actual <= maxErrorRate;
  return {
    metric: 'errorRate', configuration: t.url, op: '<=', limit: maxErrorRate, actual, unit: 'percent', pass,
    message: `${errors} of ${t.requests} requests failed in transport${errors ? `: ${errorBreakdown(t)}` : ''}`,
  };
}

/** Transport errors and responses that differ are failures no generator lag can explain (`judge`). */
export function judgeReplay(s: RunSummary & Pick<ReplaySummary, 'differences'>, g: ReplayGates): ReplayVerdict {
  const checks = Number.isFinite(g.maxErrorRate) ? s.targets.map((t) => errorRateCheck(t, g.maxErrorRate)) : [];
  const failed = checks.filter((c) => !c.pass).map((c) => `${c.configuration}: transport error rate ${pct(c.actual as number)} > ${pct(g.maxErrorRate)}: ${c.message}`);
  const regressions = s.differences?.targets.reduce((n, t) => n + t.regressions, 0) ?? 0;
  const differencesFail = g.failOnDiff && regressions > 0;
  if (differencesFail) failed.push(`${regressions} responses differ from the reference${s.differences?.mode === 'noise' ? ' beyond noise' : ''}`);
  const invalid = s.validity.valid ? [] : [`the run is invalid: ${s.validity.reasons.join('; ')}`];
  const result: Verdict = judge({ certain: failed.length > 0, invalid: invalid.length > 0, failed: false });
  return { result, exitCode: result === 'fail' ? 1 : result === 'invalid' ? 3 : 0, reasons: [...failed, ...invalid], failures: failed, checks, differencesFail };
}
