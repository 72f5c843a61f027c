import { z } from 'zod';
import { REPORT_SCHEMA } from './model.js';
import type { ComparisonResult, ConfigurationReport, PhaseReport, ReplayReport, ReportModel, ScenarioReport, SmokeResult, ThresholdResult } from './model.js';

/**
 * What `report` checks of a summary.json before rendering it: model.ts's types as zod, for the fields
 * the renderers read (a wrong-typed one would otherwise fail half-way as a bare TypeError). Unknown
 * fields pass, so a newer writer's additions do not break an older reader. The compile-time check at
 * the end holds it to model.ts: every model the runner writes is accepted.
 */
const num = z.number();
const str = z.string();
const percentiles = z.object({ p50: num, p90: num, p95: num, p99: num, p999: num, max: num });
const counts = z.record(str, num);
const validity = z.object({
  valid: z.boolean(), reasons: z.array(str), eventLoopDelayP99Ms: num, cpu: num,
  scheduleLagP99Ms: num.optional(), skipped: num.optional(), hooks: z.unknown().optional(),
});
const scheduleLag = z.object({ p50: num, p99: num, max: num });
const validityReport = validity.extend({ scheduleLag, dropped: num });
const workers = z.array(z.object({ name: str, requests: num, clockSkewMs: num, rttMs: num, startLateMs: num, validity })).optional();
const interval = z.object({ startMs: num, offered: num, ok: num, errors: num, latency: percentiles, errorLatency: percentiles.optional() });
const endpoint = z.object({ endpoint: str, requests: num, errors: num, latency: percentiles, statuses: counts });
const targetSummary = z.object({
  url: str, proxy: str.optional(), requests: num, offeredRate: num, achievedRate: num, latency: percentiles, rawLatency: percentiles,
  scheduleLag, statuses: counts, errors: counts, errorReasons: counts.optional(),
  dropped: num, queued: num.optional(), endpoints: z.array(endpoint), intervals: z.array(interval),
});
// A phase's latency is null where nothing was measured (model.ts PhaseStats); a replay target's never is.
const phaseStats = targetSummary.extend({
  latency: percentiles.nullable(), intervals: z.array(interval.extend({ latency: percentiles.nullable() })), endpoints: z.array(endpoint.extend({ latency: percentiles.nullable() })),
});
const distribution = z.array(z.object({ percentile: num, ms: num }));
const timeline = z.array(z.object({ atMs: num, label: str, state: str.optional() })).optional();
const knee = z.object({
  kneeRate: num.nullable(), breakRate: num.nullable(), breakAtMs: num.optional(), p99LimitMs: num.optional(), errorBudget: num, reason: str.optional(),
});
const phase = z.object({
  name: str, kind: z.enum(['rate', 'ramp', 'connections', 'replay']), repeat: num.optional(), description: str.optional(), durationMs: num.optional(), intervalMs: num,
  stats: phaseStats, distribution, validity: validityReport, knee: knee.optional(), timeline, workers,
});
const check = z.object({
  name: str, url: str, pass: z.boolean(), status: num.optional(), latencyMs: num.optional(), error: str.optional(),
  expectations: z.array(z.object({ field: str, expected: z.unknown(), actual: z.unknown(), pass: z.boolean() })),
});
const smoke = z.object({
  state: z.enum(['healthy', 'in-maintenance', 'unhealthy', 'unavailable']), health: check,
  test: check.extend({ tests: z.array(z.object({ name: str, description: str.optional(), endpoint: str.optional(), success: z.boolean(), error: str.optional() })) }).optional(),
});
const unit = z.enum(['ms', 'req/s', 'ratio', 'percent', 'count', 'bool']);
const threshold = z.object({
  metric: str, configuration: str.optional(), phase: str.optional(), endpoint: str.optional(), op: z.enum(['<', '<=', '>', '>=', '==']),
  limit: z.union([num, str, z.boolean()]), actual: z.union([num, str, z.boolean()]).nullable(), unit, pass: z.boolean(), message: str.optional(),
});
const side = z.object({ configuration: str, value: num.nullable(), runs: z.array(num.nullable()) });
const comparison = z.object({
  metric: str, unit, phase: str.optional(), a: side, b: side, difference: num.nullable(), relative: num.optional(),
  ci: z.object({ low: num.nullable(), high: num.nullable(), level: num }), verdict: z.enum(['better', 'worse', 'no-significant-difference', 'not-comparable']),
  minEffect: num.optional(), method: str.optional(), limit: z.object({ kind: z.enum(['ratio', 'difference']), max: num }).optional(), pass: z.boolean(), message: str.optional(),
});
const verdict = z.enum(['pass', 'fail', 'invalid']);
const configuration = z.object({ name: str, baseUrl: str, proxy: str.optional(), smoke: smoke.optional(), invalid: str.optional(), phases: z.array(phase) });
const replayTarget = targetSummary.extend({ role: str.optional(), distribution, timeline });
const scenario = z.object({
  name: str, description: str.optional(), verdict,
  configurations: z.array(configuration),
  thresholds: z.array(threshold), comparisons: z.array(comparison),
});
const replay = z.object({
  captures: z.array(str), intervalMs: num, input: z.object({ exchanges: num, invalid: num, filtered: num }).optional(),
  summary: z.object({
    startedAt: str, durationMs: num, validity: validityReport, workers,
    targets: z.array(replayTarget),
  }),
  differences: z.array(z.object({
    target: str, endpoint: str, field: str, count: num, noise: z.boolean(),
    examples: z.array(z.object({ id: str.optional(), expected: str, actual: str })),
  })),
  differingRequests: z.object({ differing: num, compared: num }).optional(), thresholds: z.array(threshold).optional(),
  differencesFail: z.boolean().optional(), staging: z.array(str).optional(),
});

export const reportModelSchema = z.object({
  schema: z.literal(REPORT_SCHEMA), kind: z.enum(['scenarios', 'replay']), title: str, generatedAt: str, source: str.optional(),
  toolVersion: str.optional(), verdict, exitCode: z.union([z.literal(0), z.literal(1), z.literal(3)]), reasons: z.array(str),
  scenarios: z.array(scenario), replay: replay.optional(),
});

// Fails to compile when model.ts gains or changes a field this schema would refuse. Checked part by
// part: TypeScript gives up comparing types this deep in one go and would let a difference through.
export const acceptsEveryModel = [
  (m: ReportModel): z.input<typeof reportModelSchema> => m,
  (s: ScenarioReport): z.input<typeof scenario> => s,
  (c: ConfigurationReport): z.input<typeof configuration> => c,
  (p: PhaseReport): z.input<typeof phase> => p,
  (s: PhaseReport['stats']): z.input<typeof phaseStats> => s,
  (c: ComparisonResult): z.input<typeof comparison> => c,
  (t: ThresholdResult): z.input<typeof threshold> => t,
  (s: SmokeResult): z.input<typeof smoke> => s,
  (r: ReplayReport): z.input<typeof replay> => r,
  (t: ReplayReport['summary']['targets'][number]): z.input<typeof replayTarget> => t,
];

const ARTICLE: Record<string, string> = { array: 'an array', object: 'an object', string: 'a string', number: 'a number', boolean: 'true or false' };

/** "scenarios[0].configurations[0].phases[0].stats.intervals: expected an array" for the first problem. */
export function modelProblem(v: unknown): string | undefined {
  const r = reportModelSchema.safeParse(v);
  if (r.success) return undefined;
  const iss = r.error.issues[0]!;
  const path = iss.path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');
  const found = iss.path.reduce<unknown>((o, k) => (o as Record<PropertyKey, unknown> | undefined)?.[k], v);
  const expected = iss.code === 'invalid_type' ? `expected ${ARTICLE[iss.expected] ?? iss.expected}` : iss.message.replace(/^Invalid (input|option): /, '');
  const what = found === undefined ? `missing (${expected})` : expected;
  return `${path || 'summary'}: ${what}`;
}
