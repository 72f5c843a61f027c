/**
 * The vocabulary of judgement every room shares: a run's verdict and one checked limit. The replay
 * engine's gates decide them, the scenario runner too, and the report renders them; they live here so
 * that none of those rooms has to import another to speak of a verdict.
 */

/** Overall outcome; maps to the CLI exit code (pass 0, fail 1, invalid 3; 2 never reaches a report). */
export type Verdict = 'pass' | 'fail' | 'invalid';

export type Unit = 'ms' | 'req/s' | 'ratio' | 'percent' | 'count' | 'bool';

export interface ThresholdResult {
  /** e.g. "p99", "errorRate", "achievedRate", "smoke". */
  metric: string;
  configuration?: string;
  phase?: string;
  endpoint?: string;
  op: '<' | '<=' | '>' | '>=' | '==';
  limit: number | string | boolean;
  /** null when the metric could not be measured (no responses). */
  actual: number | string | boolean | null;
  unit: Unit;
  pass: boolean;
  message?: string;
}

/**
 * Limits whose failure no generator lag can explain: requests that failed through the load balancer
 * while a target was cycled are failures of the cycle, however late they were sent.
 */
const CERTAIN_METRICS: ReadonlySet<string> = new Set(['drain.failedRequests']);

/** A failed limit that stands even in an invalid run (see `judge`). */
export const certainFailure = (t: ThresholdResult): boolean => !t.pass && CERTAIN_METRICS.has(t.metric);

/**
 * The one precedence rule of every run's verdict, replay's and each scenario's: a failure that no
 * generator lag can explain (transport errors of a replay, differing responses, a certain threshold
 * above) fails the run even when it is also invalid; otherwise an invalid run is invalid, since its
 * latency numbers cannot say pass or fail; then any other failure fails it.
 */
export function judge(p: { certain: boolean; invalid: boolean; failed: boolean }): Verdict {
  return p.certain ? 'fail' : p.invalid ? 'invalid' : p.failed ? 'fail' : 'pass';
}
