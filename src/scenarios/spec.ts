import type { StagingSource } from '../replay/staging/config.js';
import type { ConnectionsPhase } from './phases/connections.js';
import type { RampPhase } from './phases/ramp.js';
import type { RatePhase } from './phases/rate.js';
import type { ReplayPhase } from './phases/replay.js';
import type { Header } from '../exchange.js';
import type { RateOrShare } from '../units/index.js';
import type { DrainStep, RequireHealthyStep } from '../aws/step-schemas.js';

/** scenarios.yaml after validation and normalisation: what the runner executes. Times in ms. */
export interface ScenariosSpec {
  file: string;
  configurations: Map<string, ConfigurationSpec>;
  scenarios: ScenarioSpec[];
  /** `metrics.remoteWrite`: live metrics of every run go there */
  metricsRemoteWrite?: string;
}

export interface ConfigurationSpec {
  name: string;
  /** Absent when `start` prints it. */
  baseUrl?: string;
  proxy?: string;
  headers: Header[];
  connections: number;
  start?: StartSpec;
  /** Credentials, tokens, sessions and plugins for its open-model phases (src/replay/staging/). */
  staging?: StagingSource;
  /** Where it was defined, for messages about it at run time. */
  where: string;
}

export interface StartSpec {
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  readyTimeoutMs: number;
  stop?: string[];
}

export interface SmokeSpec {
  health: { path: string; status: number; expect: Record<string, unknown>; maintenanceField: string } | null;
  test: { path: string; status: number } | null;
  timeoutMs: number;
}

export interface RequestSpec {
  method: string;
  path: string;
  headers: Header[];
  body?: Uint8Array;
  weight: number;
  endpoint: string;
}

/** A load phase: one of the kinds in phases/ (phases/index.ts lists them). */
export type PhaseSpec = RatePhase | RampPhase | ConnectionsPhase | ReplayPhase;

export interface MetricLimits {
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  max?: number;
  errorRate?: number;
  achievedRate?: RateOrShare;
}

export type SmokeRequirement = 'reachable' | 'healthy' | 'available';

export interface ThresholdSpec extends MetricLimits {
  smoke?: SmokeRequirement;
  kneeMin?: number;
  endpoints: Map<string, MetricLimits>;
  configurations: Map<string, MetricLimits & { smoke?: SmokeRequirement }>;
}

export interface CompareSpec {
  a: string;
  b: string;
  repeat: number;
  /** Re-measurements allowed per run whose generator fell behind. */
  retries: number;
  /** Unmeasured rounds of every phase on both sides before the measured ones. */
  warmup: number;
  confidence: number;
  minEffect: number;
  limits: Map<'p50' | 'p95' | 'p99', { ratio?: number; differenceMs?: number }>;
}

export interface ScenarioSpec {
  name: string;
  description?: string;
  configurations: string[];
  smoke: SmokeSpec | null;
  phases: PhaseSpec[];
  intervalMs: number;
  thresholds: ThresholdSpec;
  knee: { p99Ms: number; errorBudget: number };
  /** Limits of the generator's validity gate (the replay engine's defaults when absent). */
  validity: { maxLagP99Ms?: number; maxEventLoopDelayP99Ms?: number };
  compare?: CompareSpec;
  /** ELB steps (src/aws): a health gate before any load; a drain cycle during one open-model phase. */
  requireHealthy?: RequireHealthyStep;
  drain?: DrainStep;
}
