import type { Exchange, Header } from '../exchange.js';
import type { ReplayVerdict } from './verdict.js';
import type { TargetStats } from './stats/target-stats.js';
import type { StagingReport } from './staging/report.js';
import type { HookFigures } from './staging/plugins.js';

/**
 * The contract between the replay engine and its users (the replay CLI, scenario load phases,
 * the agent's live mirroring, the ELB drain check). Times are microseconds.
 */

/** One request to send, at `intendedUs` after the run's start. */
export interface ScheduledRequest {
  intendedUs: number;
  method: string;
  /** Path and query, as recorded. */
  target: string;
  headers: Header[];
  body?: Uint8Array;
  /** Route template used for per-endpoint statistics ("/users/{id}"). */
  endpoint?: string;
  /** The recorded exchange, when replaying a capture (for response comparison). */
  recorded?: Exchange;
  /** Stable id (exchange id + loop number) written to results. */
  id: string;
}

export interface TargetOptions {
  /** Base URL: scheme, host, port, optional path prefix. */
  url: string;
  /** HTTP proxy URL (userinfo = credentials); undefined = none (env proxies are resolved by the caller). */
  proxy?: string;
  connections?: number;
  pipelining?: number;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Requests in flight at most before new ones queue. */
  maxInFlight?: number;
  /** Requests queued at most; beyond this, drop and count. */
  maxQueue?: number;
  /** Extra headers sent with every request (set/override). */
  headers?: Header[];
  /** Send the recorded Host instead of the target's. */
  preserveHost?: boolean;
  insecure?: boolean;
  ca?: string;
  /** Header added to every request with the request id as value, so targets can tell replayed traffic. */
  tagHeader?: string;
}

/** Error classes reported per request; stable names, used as keys in summaries. */
export type ErrorClass =
  | 'connect-refused'
  | 'connect-timeout'
  | 'reset'
  | 'headers-timeout'
  | 'body-timeout'
  | 'proxy-error'
  | 'tls'
  | 'dns'
  | 'dropped'
  /** Still queued or unanswered when the run's --drain ran out. */
  | 'drain'
  | 'other';

export interface RequestResult {
  id: string;
  target: number;
  endpoint: string;
  method: string;
  intendedUs: number;
  sentUs: number;
  /** Response end minus intended send time: coordinated-omission free. */
  latencyUs: number;
  /** Response end minus actual send time: what a closed-loop tool would report. */
  rawLatencyUs: number;
  status?: number;
  error?: ErrorClass;
  /** With `error`: why, in a few words ("proxy requires authentication: CONNECT answered 407"). */
  reason?: string;
  /** Schedule lag: when the request's bytes were written to its socket minus the intended send time. */
  lagUs: number;
  /** It waited for a free connection (connections × pipelining were in flight). */
  queued?: boolean;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** One interval (default 1 s) of one target: merged into totals, never averaged. */
export interface IntervalStats {
  /** Interval start, ms since run start. */
  startMs: number;
  offered: number;
  ok: number;
  errors: number;
  /** Latency of successful requests (ms, from intended send time). */
  latency: Percentiles;
  /** Latency of failed requests (ms), when any. */
  errorLatency?: Percentiles;
}

export interface EndpointStats {
  endpoint: string;
  requests: number;
  errors: number;
  latency: Percentiles;
  statuses: Record<string, number>;
}

export interface TargetSummary {
  url: string;
  /** The HTTP proxy the requests went through (password redacted); absent when none. */
  proxy?: string;
  requests: number;
  offeredRate: number;
  achievedRate: number;
  /** ms, from intended send time (coordinated-omission free). */
  latency: Percentiles;
  /** ms, from actual send time. */
  rawLatency: Percentiles;
  scheduleLag: { p50: number; p99: number; max: number };
  statuses: Record<string, number>;
  errors: Partial<Record<ErrorClass, number>>;
  /** "class: reason" → count (the first 20 distinct reasons; later ones under "class: other reasons"). */
  errorReasons?: Record<string, number>;
  dropped: number;
  /** Requests that waited for a free connection before they were sent (their lag includes the wait). */
  queued?: number;
  endpoints: EndpointStats[];
  intervals: IntervalStats[];
}

export interface RunValidity {
  valid: boolean;
  reasons: string[];
  /** Generator event-loop delay p99 (ms) and CPU use (fraction of one core) during the run. */
  eventLoopDelayP99Ms: number;
  cpu: number;
  /** Schedule lag p99 (ms) over all targets, and sends later than the skip limit. */
  scheduleLagP99Ms?: number;
  skipped?: number;
  /** Time the generator spent in plugin hooks. */
  hooks?: HookFigures;
}

export interface RunSummary {
  startedAt: string;
  /** The schedule's time zero on the wall clock (µs since the epoch): intended send i is at startEpochUs + intendedUs. */
  startEpochUs?: number;
  durationMs: number;
  targets: TargetSummary[];
  validity: RunValidity;
  /** A run spread over workers (src/distributed/): each worker's share and its own validity. */
  workers?: WorkerReport[];
}

export interface WorkerReport {
  /** host:pid */
  name: string;
  requests: number;
  /** Its clock minus the coordinator's (ms) and the round trip it was measured over. */
  clockSkewMs: number;
  rttMs: number;
  /** How late it started against the common start time (ms, its own clock corrected for skew). */
  startLateMs: number;
  validity: RunValidity;
}

/** What `runLoad` (src/replay/engine.ts) takes: the one entry point every load user goes through. */
export interface RunOptions {
  /** An async schedule may yield batches (arrays) of requests: that saves a promise per request. */
  schedule: AsyncIterable<ScheduledRequest | ScheduledRequest[]> | Iterable<ScheduledRequest>;
  targets: TargetOptions[];
  onResult?: (r: RequestResult) => void;
  /** A request the request stage skipped for a target (decided, so handled there, as a result is). */
  onSkipped?: (id: string, target: number) => void;
  signal?: AbortSignal;
  /** Send the first requests to a throwaway loopback server before the clock starts (JIT, parsers); default true. */
  warmUp?: boolean;
  /** Interval length for per-interval histograms; default 1000. */
  intervalMs?: number;
  /** 'schedule' (default): send at intended times. 'max': as fast as the targets allow (--speed 0). */
  pace?: 'schedule' | 'max';
  /** Comparison, or any other consumer of responses. */
  responses?: ResponseSink;
  validity?: ValidityLimits;
  /** Called about once a second with a progress snapshot. */
  onProgress?: (p: ProgressSnapshot) => void;
  /** After the schedule ends, wait this long (ms) for outstanding responses; default 30000. */
  drainMs?: number;
  /** Once everything is ready to send: resolves to the monotonic µs the schedule's clock starts at (a distributed run's barrier). Default: now. */
  startAt?: () => Promise<number>;
  /** Given the per-target statistics as they are created (a distributed worker sends them on). */
  onStats?: (stats: readonly TargetStats[]) => void;
  /** Request preparation and response observation for every request of every target (replay against staging). */
  stage?: RequestStage;
}

/** Steps the engine calls for every request (`src/replay/staging/`): one request path, with a step before and after. */
export interface RequestStage {
  /** Responses (headers and bodies) are needed even without a comparison. */
  readonly wantsBodies: boolean;
  /** Before the clock starts (a first token). */
  start(): Promise<void>;
  /** The request to send to this target, undefined to skip it there, or a promise of either. */
  prepare(target: number, req: ScheduledRequest): ScheduledRequest | undefined | Promise<ScheduledRequest | undefined>;
  /** Every finished request; a promise of a request to send again in its place (once, after a refused token). */
  observe(target: number, req: ScheduledRequest, result: RequestResult, response: ObservedResponse | undefined): Promise<ScheduledRequest> | undefined;
}

// ---- Additions (additive; existing fields above are unchanged) ----

/** A response as a target gave it, kept only when a comparison needs it. */
export interface ObservedResponse {
  status: number;
  headers: Header[];
  body: Uint8Array;
}

/** One field that differs between a reference response and a compared one. */
export interface FieldDifference {
  /** "status", "header:<name>", "body" (non-JSON), or "body:$.a[0].b" (JSON field path). */
  field: string;
  expected: string;
  actual: string;
}

/** Per endpoint and field: how often it differed, whether that is noise, a few example pairs. */
export interface DifferenceCount {
  endpoint: string;
  field: string;
  /** Requests where the compared target differed from the reference. */
  count: number;
  /** Noise mode: requests where primary and secondary differed at this field. */
  noiseCount?: number;
  /** Noise mode: the field differs about as often between primary and secondary (not a regression). */
  noise?: boolean;
  examples: { id: string; expected: string; actual: string }[];
}

export interface DifferenceReport {
  /** "recorded": each target against the recorded response; "noise": candidate against primary, minus primary/secondary noise. */
  mode: 'recorded' | 'noise';
  /** Per target index (recorded mode) or the candidate (noise mode). */
  targets: { target: number; url: string; compared: number; differing: number; regressions: number; fields: DifferenceCount[]; notCompared?: NotCompared }[];
}

/** Requests that were not compared, and why (a target skipped it or gave no response, nothing recorded, the run ended first). */
export interface NotCompared {
  count: number;
  reasons: { reason: string; count: number }[];
}

/** RunSummary plus the comparison: the shape of `--summary FILE`. */
export interface ReplaySummary extends RunSummary {
  differences?: DifferenceReport;
  input?: { exchanges: number; invalid: number; filtered: number };
  /** The generator process: peak resident memory (MB). */
  generator?: { maxRssMb: number };
  /** What the CLI's gates decided (error rate, differences, validity) and its exit code. */
  verdict?: ReplayVerdict;
  /** Replay against staging: credentials, tokens, sessions, plugins (src/replay/staging/report.ts). */
  staging?: StagingReport;
}

/** Limits of the validity gate; a run beyond any of them is invalid (exit 3). */
export interface ValidityLimits {
  /** Schedule lag p99 (ms) at most; default 10. */
  maxLagP99Ms?: number;
  /** Event-loop delay p99 (ms) at most; default 50. */
  maxEventLoopDelayP99Ms?: number;
  /**
   * Schedule lag invalidates a run only when it is also more than this share of the measured raw
   * latency p99 (what it can distort); default 0.2.
   */
  maxShareOfLatency?: number;
  /** Sends later than this (ms) count as skipped; default 1000. */
  skipAfterMs?: number;
}

/** Receives every finished request of every target with its response when `wantsBodies`. */
export interface ResponseSink {
  wantsBodies: boolean;
  /** Called once per request per target, in completion order; may delay `emit` until all targets answered. No `emit` when nobody reads results. */
  complete(req: ScheduledRequest, result: RequestResult, response: ObservedResponse | undefined, emit?: (r: RequestResult & { diff?: string[] }) => void): void;
  /** The request stage skipped the request for this target (a write policy, a plugin): it will never complete there. */
  skipped?(req: ScheduledRequest, target: number, emit?: (r: RequestResult & { diff?: string[] }) => void): void;
}

export interface ProgressSnapshot {
  elapsedMs: number;
  scheduled: number;
  completed: number;
  errors: number;
  dropped: number;
  inFlight: number;
  /** Each target's running statistics (live, cumulative; read them, do not keep them): progress and live metrics. */
  targets?: readonly ProgressTarget[];
}

/** What progress lines and live metrics read of a target's statistics (TargetStats has it). */
export interface ProgressTarget {
  readonly url: string;
  readonly completed: number;
  readonly errorReasons: Readonly<Record<string, number>>;
  /**
   * µs from the request's send, recorded as responses come (the corrected latency, from the intended
   * send, is folded in per closed interval, so it is not live); with `lag` it tells the same story.
   */
  readonly rawLatency: import('hdr-histogram-js').Histogram;
  /** µs */
  readonly lag: import('hdr-histogram-js').Histogram;
}
