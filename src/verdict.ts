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
