import type { ThresholdResult, Unit, Verdict } from '../verdict.js';
import type { SmokeResult } from './smoke-model.js';
import type { EndpointStats, ErrorClass, IntervalStats, Percentiles, RunValidity, TargetSummary, WorkerReport } from '../replay/types.js';

/**
 * The data the report renders: written as-is to DIR/summary.json, rendered to DIR/index.html and
 * to JUnit. The scenario runner (src/scenarios/) and the replay CLI (src/replay/) fill it.
 *
 * Units, everywhere: latency in milliseconds (float, from HdrHistogram at µs resolution), rates in
 * requests per second, times on charts in ms since the start of the phase (or run), fractions 0..1.
 */
export const REPORT_SCHEMA = 'shadowtap-report/1';

export type { ThresholdResult, Unit, Verdict } from '../verdict.js';


export interface ReportModel {
  schema: typeof REPORT_SCHEMA;
  kind: 'scenarios' | 'replay';
  title: string;
  /** ISO 8601. */
  generatedAt: string;
  /** scenarios.yaml path, or the capture path(s) for a replay. */
  source?: string;
  toolVersion?: string;
  verdict: Verdict;
  exitCode: 0 | 1 | 3;
  /** One line each: why the run failed or was invalid (shown at the top, and in JUnit). */
  reasons: string[];
  scenarios: ScenarioReport[];
  /** Present when kind = 'replay'. */
  replay?: ReplayReport;
}

// ---------------------------------------------------------------- scenarios

export interface ScenarioReport {
  name: string;
  description?: string;
  verdict: Verdict;
  configurations: ConfigurationReport[];
  thresholds: ThresholdResult[];
  comparisons: ComparisonResult[];
}

export interface ConfigurationReport {
  /** Configuration name from scenarios.yaml ("fail-fast", "behind-nginx"). */
  name: string;
  baseUrl: string;
  proxy?: string;
  smoke?: SmokeResult;
  /** Why its load never ran when that made the run invalid (unreachable, failed its smoke check). */
  invalid?: string;
  phases: PhaseReport[];
}

/** One load phase of one configuration (one entry per repetition when `repeat: N`). */
export interface PhaseReport {
  /** Phase name, shared by every configuration that ran it: overlays join on this. */
  name: string;
  kind: 'rate' | 'ramp' | 'connections' | 'replay';
  /** 0-based repetition index when the scenario repeats (A,B,A,B…); absent for a single run. */
  repeat?: number;
  /** e.g. "ramp 1 → 120 req/s over 60 s". */
  description?: string;
  /** Length of its load (ms): the schedule's, or how long a closed loop ran. */
  durationMs?: number;
  /** Interval length of `stats.intervals` (default 1000). */
  intervalMs: number;
  /** The replay engine's summary of the one target this phase loaded, latency null where unmeasured. */
  stats: PhaseStats;
  /** Points of the merged histogram: see distribution.ts. */
  distribution: DistributionPoint[];
  validity: ValidityReport;
  knee?: KneeResult;
  /** Events to mark on the time-series charts (ELB target state changes, maintenance switched on…). */
  timeline?: TimelineEvent[];
  /** A phase spread over workers (`workers: N`): each one's share, clock and own validity. */
  workers?: WorkerReport[];
}

/**
 * An interval's latency is that of the load sent in it, its ok/errors the responses that came in it:
 * an interval after the last send (responses still arriving), or one whose sends all failed, has
 * responses but no latency. null then, never 0 ms: a number it did not measure cannot be true.
 */
export type PhaseInterval = Omit<IntervalStats, 'latency'> & { latency: Percentiles | null };
export type PhaseEndpoint = Omit<EndpointStats, 'latency'> & { latency: Percentiles | null };
export type PhaseStats = Omit<TargetSummary, 'latency' | 'intervals' | 'endpoints'> & { latency: Percentiles | null; intervals: PhaseInterval[]; endpoints: PhaseEndpoint[] };

export interface DistributionPoint {
  /** 0..100, e.g. 99.9. */
  percentile: number;
  ms: number;
}

export interface TimelineEvent {
  /** ms since the start of the phase. */
  atMs: number;
  label: string;
  /** e.g. ELB target state "draining", "unused", "healthy". */
  state?: string;
}

/** RunValidity plus the generator-side facts it was decided from. */
export interface ValidityReport extends RunValidity {
  scheduleLag: { p50: number; p99: number; max: number };
  /** Sends dropped or skipped by the generator (queue full, fell behind). */
  dropped: number;
}

export interface KneeResult {
  /** Highest offered rate (req/s) at which p99 met its limit and errors stayed within budget; null = none did. */
  kneeRate: number | null;
  /** First offered rate past the knee (errors or p99 over limit); null = the ramp never broke. */
  breakRate: number | null;
  /** When (ms since phase start) the break happened, for a chart marker. */
  breakAtMs?: number;
  p99LimitMs?: number;
  /** Error budget as a fraction (0.01 = 1 %). */
  errorBudget: number;
  reason?: string;
}

// ---------------------------------------------------------------- smoke checks (smoke-model.ts)

export type { CheckResult, FieldExpectation, SmokeResult, SmokeState, SmokeTest, TestCheckResult } from './smoke-model.js';

// ---------------------------------------------------------------- thresholds and comparisons

/** not-comparable: a side had nothing to measure, or a latency difference favours the side that failed more. */
export type ComparisonVerdict = 'better' | 'worse' | 'no-significant-difference' | 'not-comparable';

/** B relative to A for one metric; lower latency is better. */
export interface ComparisonResult {
  /** e.g. "p50", "p95", "p99", "errorRate". */
  metric: string;
  unit: Unit;
  phase?: string;
  a: ComparedSide;
  b: ComparedSide;
  /** b − a (point estimate, in `unit`); null when a side had nothing to measure. */
  difference: number | null;
  /** b / a − 1, when a ≠ 0. */
  relative?: number;
  /** Confidence interval on the difference b − a. */
  ci: { low: number | null; high: number | null; level: number };
  verdict: ComparisonVerdict;
  /** Relative differences below this are not called better or worse (scenarios' `minEffect`). */
  minEffect?: number;
  method?: string;
  /** The limit from scenarios.yaml, e.g. { kind: 'ratio', max: 1.1 } → pass requires b/a ≤ 1.1. */
  limit?: { kind: 'ratio' | 'difference'; max: number };
  pass: boolean;
  message?: string;
}

export interface ComparedSide {
  configuration: string;
  /** Point estimate (e.g. median of the runs' p99); null: nothing was measured. */
  value: number | null;
  /** One value per repetition, in run order (null: that run measured nothing). */
  runs: (number | null)[];
}

// ---------------------------------------------------------------- replay

export interface ReplayReport {
  captures: string[];
  intervalMs: number;
  /** Exchanges read from the captures, malformed lines skipped, exchanges left out by filters. */
  input?: { exchanges: number; invalid: number; filtered: number };
  summary: {
    startedAt: string;
    durationMs: number;
    targets: ReplayTargetReport[];
    validity: ValidityReport;
    /** A run spread over workers (replay --workers / --coordinator). */
    workers?: WorkerReport[];
  };
  differences: DifferenceRow[];
  /** Requests compared and requests that differed beyond noise, over all compared targets (one request counts once however many fields differ). */
  differingRequests?: { differing: number; compared: number };
  /** The replay's gates per target (transport error rate against --max-error-rate). */
  thresholds?: ThresholdResult[];
  /** Differing responses fail the run (--fail-on-diff). */
  differencesFail?: boolean;
  /** Replay against staging: credentials, tokens, plugin hooks (one line each). */
  staging?: string[];
}

export interface ReplayTargetReport extends TargetSummary {
  /** e.g. "primary", "candidate". */
  role?: string;
  distribution: DistributionPoint[];
  timeline?: TimelineEvent[];
}

/** One (target, endpoint, field) whose responses differed from the recorded ones. */
export interface DifferenceRow {
  target: string;
  endpoint: string;
  /** "status", "header:content-type", "body:$.user.name". */
  field: string;
  count: number;
  /** Also differs between primary and secondary: noise, not a regression. */
  noise: boolean;
  examples: { id?: string; expected: string; actual: string }[];
}

export type { ErrorClass, IntervalStats, Percentiles, TargetSummary };
