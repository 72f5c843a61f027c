import { z } from 'zod';
import { drainStepSchema, requireHealthyStepSchema } from '../aws/step-schemas.js';
import * as unit from '../units/schema.js';
import { stagingSchema } from '../replay/staging/config.js';
import { PHASE_KINDS } from './phases/index.js';

/**
 * scenarios.yaml, as written by a person. Every object is strict (an unknown key is an error, not
 * silently ignored) and every value a person types with a unit is checked here; normalize.ts turns
 * the result into numbers. Exported as JSON Schema (schema/scenarios.schema.json) for editors.
 */
// The unit fields: one grammar with the CLI and agent.yaml (src/units).
const duration = unit.duration();
// Each interval gets its own percentiles, chart point and knee judgement (≥ 10 responses): shorter
// ones hold too few responses to say anything, and zero has no start at all.
const interval = unit.duration({ min: 10, why: 'an interval needs room for the responses its percentiles are taken of' });
const latency = unit.latency();
const fraction = unit.fraction();
const rateOrShare = unit.rateOrShare();
const headers = z.record(z.string(), z.string()).describe('header name → value');
const name = z.string().min(1);

export const startSchema = z.strictObject({
  command: z.array(z.string()).min(1).describe('program and arguments, started without a shell; `shadowtap` is the running shadowtap, `node` the running node'),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  readyTimeout: duration.optional().describe('how long to wait for the service to answer (default 15s)'),
  stop: z.array(z.string()).min(1).optional().describe('command run at the end; default: SIGTERM to the started process'),
});

export const configurationSchema = z.strictObject({
  description: z.string().optional(),
  baseUrl: z.string().regex(/^(https?|elbv2):\/\//, { error: 'expected an http://, https:// or elbv2:// URL', abort: true })
    .refine((v) => URL.canParse(v), 'not a valid URL').optional()
    .describe('omit when `start` prints the URL as the first line of its stdout (shadowtap sample-service does); elbv2://<target group> = its first healthy target'),
  proxy: z.string().regex(/^https?:\/\//, 'expected an http:// or https:// proxy URL').optional(),
  headers: headers.optional(),
  connections: z.number().int().positive().optional().describe('connections to open to this configuration (default 256)'),
  start: startSchema.optional(),
  staging: stagingSchema.optional().describe('replay against staging: credentials, oauth2, sessions, extract, writes, plugins (README "Replaying against staging")'),
});

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const smokeSchema = z.strictObject({
  health: z.union([z.literal(false), z.strictObject({
    path: z.string().startsWith('/').default('/health'),
    status: z.number().int().default(200),
    expect: z.record(z.string(), scalar).optional().describe('JSON field → expected value, e.g. DatabaseConnectivity: true'),
    maintenanceField: z.string().default('MaintenanceMode'),
  })]).optional(),
  test: z.union([z.literal(false), z.strictObject({
    path: z.string().startsWith('/').default('/test'),
    status: z.number().int().default(200),
  })]).optional(),
  timeout: duration.optional(),
});

export const requestSchema = z.strictObject({
  method: z.string().regex(/^[A-Z]+$/, 'expected an upper-case HTTP method such as GET').default('GET'),
  path: z.string().startsWith('/', 'expected a path starting with /'),
  headers: headers.optional(),
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional()
    .describe('a string, or YAML/JSON data sent as application/json'),
  weight: z.number().positive().default(1),
  endpoint: z.string().optional().describe('name for per-endpoint statistics (default: the path without its query)'),
});

export const phaseSchema = z.strictObject({
  name: z.string().optional(),
  // Each kind's own fields (its key first) come from its file in phases/.
  ...Object.assign({}, ...PHASE_KINDS.map((k) => k.fields)) as PhaseKindFields,
  duration: unit.duration({ above: 0, why: 'a phase of no time sends nothing to measure' }).optional(),
  requests: z.array(requestSchema).min(1).optional(),
  workers: z.number().int().positive().max(256).optional().describe('spread this phase over N local worker processes (one per core), with one merged result'),
});

export const metricsSchema = z.strictObject({
  p50: latency.optional(),
  p90: latency.optional(),
  p95: latency.optional(),
  p99: latency.optional(),
  max: latency.optional(),
  errorRate: fraction.optional(),
  achievedRate: rateOrShare.optional().describe('at least this rate, or this share of the offered rate'),
});

const smokeRequirement = z.enum(['reachable', 'healthy', 'available']).describe('healthy: /health passes; available: /health and /test pass');

export const thresholdsSchema = metricsSchema.extend({
  smoke: smokeRequirement.optional(),
  knee: z.strictObject({ min: unit.rate() }).optional().describe('a ramp must reach at least this rate before its knee'),
  endpoints: z.record(z.string(), metricsSchema).optional(),
  configurations: z.record(z.string(), metricsSchema.extend({ smoke: smokeRequirement.optional() })).optional(),
});

const compareLimit = z.strictObject({
  ratio: z.number().positive().optional().describe('B/A must stay at or below this'),
  difference: latency.optional().describe('B − A must stay at or below this'),
});

export const scenarioSchema = z.strictObject({
  name,
  description: z.string().optional(),
  configurations: z.array(name).min(1).optional().describe('default: every configuration (or the two compared)'),
  smoke: z.union([z.literal(false), smokeSchema]).optional(),
  requests: z.array(requestSchema).min(1).optional(),
  load: z.array(phaseSchema).optional(),
  interval: interval.optional().describe('length of the per-interval statistics (default 1s, at least 10ms)'),
  thresholds: thresholdsSchema.optional(),
  knee: z.strictObject({ p99: latency.optional(), errorRate: fraction.optional() }).optional()
    .describe('what "met its limit" means for a ramp knee (default: the p99 and errorRate thresholds, else 1s and 1%)'),
  validity: z.strictObject({
    maxLagP99: latency.optional().describe('schedule lag p99 beyond this, and beyond a fifth of the raw latency p99, makes a run invalid (default 10ms)'),
    maxEventLoopDelayP99: latency.optional().describe('generator event-loop delay p99 beyond this makes a run invalid (default 50ms)'),
  }).optional(),
  compare: z.tuple([name, name]).optional().describe('[A, B]: B is judged against A'),
  repeat: z.number().int().positive().max(100).optional(),
  retries: z.number().int().min(0).max(10).optional().describe('a compared run the generator could not keep (invalid) is measured again, at most this many times (default 2)'),
  warmup: z.number().int().min(0).max(10).optional().describe('rounds of every phase on each compared configuration before the measured ones, not counted (default 1): connections, caches and compiled code are then as warm for the first measured run as for the last'),
  confidence: z.number().gt(0.5).lt(1).optional(),
  minEffect: fraction.optional().describe('smaller relative differences count as no significant difference (default 5%)'),
  limits: z.partialRecord(z.enum(['p50', 'p95', 'p99']), compareLimit).optional(),
  requireHealthy: requireHealthyStepSchema.optional(),
  drain: drainStepSchema.optional(),
});

export const scenariosFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  configurations: z.record(name, configurationSchema).refine((c) => Object.keys(c).length > 0, 'at least one configuration is needed'),
  defaults: z.strictObject({
    smoke: smokeSchema.optional(),
    requests: z.array(requestSchema).min(1).optional(),
    interval: interval.optional(),
  }).optional(),
  metrics: z.strictObject({
    remoteWrite: z.string().regex(/^https?:\/\//, 'expected an http:// or https:// URL').describe('Prometheus remote-write URL: every run streams its per-second metrics there (the --metrics-remote-write flag wins)'),
  }).optional(),
  scenarios: z.array(scenarioSchema).min(1),
});

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type PhaseKindFields = UnionToIntersection<(typeof PHASE_KINDS)[number]['fields']>;

export type ScenariosFileInput = z.output<typeof scenariosFileSchema>;
export type ScenarioInput = z.output<typeof scenarioSchema>;
export type PhaseInput = z.output<typeof phaseSchema>;
export type RequestInput = z.output<typeof requestSchema>;
export type MetricsInput = z.output<typeof metricsSchema>;
export type SmokeInput = z.output<typeof smokeSchema>;
export type ConfigurationInput = z.output<typeof configurationSchema>;

export function scenariosJsonSchema(): unknown {
  return z.toJSONSchema(scenariosFileSchema, { io: 'input', target: 'draft-2020-12' });
}
