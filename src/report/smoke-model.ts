/** The smoke checks' part of the report model (model.ts re-exports it). */

/**
 * healthy: /health passes and /test passes. in-maintenance: /health answers (200) but reports maintenance,
 * or /test answers 503. unhealthy: /health fails (a load balancer would take it out).
 * unavailable: /health passes but /test fails, or the target cannot be reached at all.
 */
export type SmokeState = 'healthy' | 'in-maintenance' | 'unhealthy' | 'unavailable';

export interface SmokeResult {
  state: SmokeState;
  health: CheckResult;
  test?: TestCheckResult;
}

export interface CheckResult {
  /** e.g. "/health". */
  name: string;
  url: string;
  pass: boolean;
  status?: number;
  latencyMs?: number;
  /** Connection error, bad JSON… */
  error?: string;
  expectations: FieldExpectation[];
}

export interface FieldExpectation {
  /** JSON field, e.g. "DatabaseConnectivity". */
  field: string;
  expected: unknown;
  actual: unknown;
  pass: boolean;
}

export interface TestCheckResult extends CheckResult {
  tests: SmokeTest[];
}

export interface SmokeTest {
  name: string;
  description?: string;
  endpoint?: string;
  success: boolean;
  error?: string;
}
