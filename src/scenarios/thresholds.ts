import type { PhaseReport, SmokeResult, ThresholdResult } from '../report/model.js';
import type { Percentiles } from '../replay/types.js';
import { meets } from './smoke.js';
import type { MetricLimits, ScenarioSpec, SmokeRequirement } from './spec.js';

/** What a phase (or one endpoint of it) measured; latency is null when no request succeeded. */
export interface Measured {
  latency: Percentiles | null;
  errorRate: number | null;
  offeredRate: number;
  achievedRate: number;
}

interface Where {
  configuration: string;
  phase?: string;
  endpoint?: string;
}

const LATENCY = ['p50', 'p90', 'p95', 'p99', 'max'] as const;

/** One ThresholdResult per limit set; `m` null = not measured (load skipped), which fails. */
export function checkMetrics(limits: MetricLimits, m: Measured | null, at: Where, why = 'not measured'): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const k of LATENCY) {
    const limit = limits[k];
    if (limit === undefined) continue;
    const actual = m?.latency ? m.latency[k] : null;
    out.push({ metric: k, ...at, op: '<=', limit, actual, unit: 'ms', pass: actual !== null && actual <= limit, ...(actual === null ? { message: why } : {}) });
  }
  if (limits.errorRate !== undefined) {
    const actual = m?.errorRate ?? null;
    out.push({ metric: 'errorRate', ...at, op: '<=', limit: limits.errorRate, actual, unit: 'percent', pass: actual !== null && actual <= limits.errorRate, ...(actual === null ? { message: why } : {}) });
  }
  const ar = limits.achievedRate;
  if (ar !== undefined) {
    const limit = 'rate' in ar ? ar.rate : Math.round(ar.share * (m?.offeredRate ?? 0) * 100) / 100;
    const actual = m ? m.achievedRate : null;
    const message = m === null ? why : 'share' in ar ? `${ar.share * 100} % of the offered ${m.offeredRate} req/s` : undefined;
    out.push({ metric: 'achievedRate', ...at, op: '>=', limit, actual, unit: 'req/s', pass: actual !== null && actual >= limit, ...(message ? { message } : {}) });
  }
  return out;
}

export function smokeRequirement(s: ScenarioSpec, configuration: string): SmokeRequirement | undefined {
  return s.thresholds.configurations.get(configuration)?.smoke ?? s.thresholds.smoke ?? (s.smoke ? 'available' : undefined);
}

export function checkSmoke(need: SmokeRequirement, smoke: SmokeResult, configuration: string): ThresholdResult {
  return { metric: 'smoke', configuration, op: '==', limit: need, actual: smoke.state, unit: 'bool', pass: meets(smoke, need), message: `${configuration} must be ${need}; it is ${smoke.state}` };
}

/** Scenario-wide limits overlaid with the configuration's own. */
export function limitsFor(s: ScenarioSpec, configuration: string): MetricLimits {
  const own = s.thresholds.configurations.get(configuration) ?? {};
  const { endpoints: _e, configurations: _c, smoke: _s, kneeMin: _k, ...scenarioLimits } = s.thresholds;
  const { smoke: _own, ...ownLimits } = own;
  return { ...scenarioLimits, ...ownLimits };
}

/** Every threshold of one phase run of one configuration. */
export function checkPhase(s: ScenarioSpec, configuration: string, p: PhaseReport): ThresholdResult[] {
  const phase = p.repeat === undefined ? p.name : `${p.name} #${p.repeat + 1}`;
  const whole = p.stats;
  const done = (n: number, e: number): number | null => (n ? e / n : null);
  const errors = countErrors(p);
  const out = checkMetrics(limitsFor(s, configuration), {
    latency: whole.latency,
    errorRate: done(whole.requests, errors),
    offeredRate: whole.offeredRate,
    achievedRate: whole.achievedRate,
  }, { configuration, phase });
  for (const [endpoint, limits] of s.thresholds.endpoints) {
    // A phase that never sent to this endpoint (a replay of other traffic) has nothing to judge.
    const e = whole.endpoints.find((x) => x.endpoint === endpoint);
    if (!e) continue;
    const m = { latency: e.latency, errorRate: done(e.requests, e.errors), offeredRate: 0, achievedRate: 0 };
    out.push(...checkMetrics(limits, m, { configuration, phase, endpoint }, 'no successful request to this endpoint'));
  }
  if (s.thresholds.kneeMin !== undefined && p.kind === 'ramp') {
    const actual = p.knee?.kneeRate ?? null;
    out.push({ metric: 'knee', configuration, phase, op: '>=', limit: s.thresholds.kneeMin, actual, unit: 'req/s', pass: actual !== null && actual >= s.thresholds.kneeMin, ...(p.knee?.reason ? { message: p.knee.reason } : {}) });
  }
  return out;
}

/** An endpoint threshold that no phase of a configuration ever sent to (a typo, or a mix without it) fails. */
export function checkEndpointsSeen(s: ScenarioSpec, configuration: string, phases: readonly PhaseReport[]): ThresholdResult[] {
  const seen = new Set(phases.flatMap((p) => p.stats.endpoints.map((e) => e.endpoint)));
  return [...s.thresholds.endpoints.keys()]
    .filter((endpoint) => phases.length > 0 && !seen.has(endpoint))
    .map((endpoint) => ({ metric: 'requests', configuration, endpoint, op: '>' as const, limit: 0, actual: 0, unit: 'count' as const, pass: false, message: 'no requests to this endpoint in any phase' }));
}

const countErrors = (p: PhaseReport): number => p.stats.endpoints.reduce((n, e) => n + e.errors, 0);
