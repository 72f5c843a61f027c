import { Buffer } from 'node:buffer';
import { dirname, resolve } from 'node:path';
import type { Header } from '../exchange.js';
import type { MetricsInput, PhaseInput, RequestInput, ScenarioInput, ScenariosFileInput, SmokeInput } from './schema.js';
import type { ConfigurationSpec, MetricLimits, PhaseSpec, RequestSpec, ScenarioSpec, ScenariosSpec, SmokeSpec, ThresholdSpec } from './spec.js';
import { durationMs, fraction, latencyMs, rateOrShare } from '../units/index.js';
import type { FieldPath, YamlSource } from '../config/yaml-source.js';
import { PHASE_KINDS, phaseKind } from './phases/index.js';
import type { PhaseKind } from './phases/kind.js';

const DEFAULT_REQUESTS: RequestInput[] = [{ method: 'GET', path: '/render', weight: 1 }];

const toHeaders = (h: Record<string, string> | undefined): Header[] => Object.entries(h ?? {}).map(([name, value]) => ({ name, value }));

/** Validated input → the runner's spec; checks what a schema cannot (names that refer to others). */
export function normalize(input: ScenariosFileInput, src: YamlSource): ScenariosSpec {
  const base = dirname(resolve(src.file));
  const configurations = new Map<string, ConfigurationSpec>();
  for (const [name, c] of Object.entries(input.configurations)) {
    if (!c.baseUrl && !c.start) throw src.error(['configurations', name], 'needs baseUrl, or start with a command that prints the URL');
    configurations.set(name, {
      name,
      baseUrl: c.baseUrl?.replace(/\/+$/, ''),
      proxy: c.proxy,
      headers: toHeaders(c.headers),
      connections: c.connections ?? 256,
      ...(c.staging ? { staging: { config: c.staging, baseDir: base, where: `${src.file}: configurations.${name}.staging` } } : {}),
      start: c.start && {
        command: c.start.command,
        cwd: resolve(base, c.start.cwd ?? '.'),
        env: c.start.env,
        readyTimeoutMs: c.start.readyTimeout ? durationMs(c.start.readyTimeout) : 15_000,
        stop: c.start.stop,
      },
      where: src.where(['configurations', name]),
    });
  }
  const names = new Set(input.scenarios.map((s) => s.name));
  if (names.size !== input.scenarios.length) {
    const i = input.scenarios.findIndex((s, j) => input.scenarios.findIndex((t) => t.name === s.name) !== j);
    throw src.error(['scenarios', i, 'name'], `duplicate scenario name "${input.scenarios[i]!.name}"`);
  }
  const scenarios = input.scenarios.map((s, i) => scenario(s, ['scenarios', i], input, configurations, src, base));
  return { file: src.file, configurations, scenarios, ...(input.metrics ? { metricsRemoteWrite: input.metrics.remoteWrite } : {}) };
}

function scenario(s: ScenarioInput, at: FieldPath, input: ScenariosFileInput, configs: Map<string, ConfigurationSpec>, src: YamlSource, base: string): ScenarioSpec {
  const known = (name: string, path: FieldPath) => {
    if (!configs.has(name)) throw src.error(path, `no configuration named "${name}" (defined: ${[...configs.keys()].join(', ')})`);
  };
  s.configurations?.forEach((n, i) => known(n, [...at, 'configurations', i]));
  s.compare?.forEach((n, i) => known(n, [...at, 'compare', i]));
  if (s.compare && s.compare[0] === s.compare[1]) throw src.error([...at, 'compare'], 'compares a configuration with itself');
  for (const n of Object.keys(s.thresholds?.configurations ?? {})) known(n, [...at, 'thresholds', 'configurations', n]);
  for (const key of ['repeat', 'retries', 'warmup', 'limits', 'confidence', 'minEffect'] as const) {
    if (s[key] !== undefined && !s.compare) throw src.error([...at, key], 'only applies with compare: [A, B]');
  }
  const configurations = s.compare ? [...s.compare] : (s.configurations ?? [...configs.keys()]);
  if (configurations.length === 0) throw src.error(at, 'runs against no configuration: define one under configurations');
  const requests = (s.requests ?? input.defaults?.requests ?? DEFAULT_REQUESTS).map(request);
  const phases = (s.load ?? []).map((p, i) => phase(p, [...at, 'load', i], requests, src, base));
  if (s.compare && (s.repeat ?? 5) < 3) throw src.error([...at, 'repeat'], 'a comparison needs repeat: 3 or more (its confidence interval comes from the spread between runs)');
  if (s.compare && phases.length === 0) throw src.error([...at, 'load'], 'a comparison needs at least one load phase');
  const t = thresholds(s.thresholds);
  if (t.kneeMin !== undefined && !phases.some((p) => p.kind === 'ramp')) throw src.error([...at, 'thresholds', 'knee'], 'needs a ramp phase');
  const smokeIn = s.smoke === false ? null : (s.smoke ?? input.defaults?.smoke ?? {});
  if (s.drain) {
    const wanted = s.drain.phase ?? phases[0]?.name;
    const p = phases.find((x) => x.name === wanted);
    if (s.compare) throw src.error([...at, 'drain'], 'does not combine with compare: [A, B]');
    if (!p) throw src.error([...at, 'drain', ...(s.drain.phase ? ['phase'] : [])], s.drain.phase ? `no load phase named "${s.drain.phase}"` : 'needs a load phase to run during');
    if (p.workers) throw src.error([...at, 'drain'], `does not combine with workers: ${p.workers} on phase "${p.name}" (the drain step counts each request's outcome as it comes, in this process)`);
    if (!phaseKind(p).open) throw src.error([...at, 'drain'], `needs an open-model phase (${PHASE_KINDS.filter((k) => k.open).map((k) => k.key).join(', ').replace(/, (\w+)$/, ' or $1')}), not ${p.kind}`);
  }
  return {
    name: s.name,
    description: s.description,
    configurations,
    smoke: smokeIn && smoke(smokeIn),
    phases,
    intervalMs: durationMs(s.interval ?? input.defaults?.interval ?? '1s'),
    thresholds: t,
    knee: {
      p99Ms: s.knee?.p99 !== undefined ? latencyMs(s.knee.p99) : (t.p99 ?? 1000),
      errorBudget: s.knee?.errorRate !== undefined ? fraction(s.knee.errorRate) : (t.errorRate ?? 0.01),
    },
    ...(s.requireHealthy ? { requireHealthy: s.requireHealthy } : {}),
    ...(s.drain ? { drain: s.drain } : {}),
    validity: {
      ...(s.validity?.maxLagP99 !== undefined ? { maxLagP99Ms: latencyMs(s.validity.maxLagP99) } : {}),
      ...(s.validity?.maxEventLoopDelayP99 !== undefined ? { maxEventLoopDelayP99Ms: latencyMs(s.validity.maxEventLoopDelayP99) } : {}),
    },
    compare: s.compare && {
      a: s.compare[0],
      b: s.compare[1],
      repeat: s.repeat ?? 5,
      retries: s.retries ?? 2,
      warmup: s.warmup ?? 1,
      confidence: s.confidence ?? 0.95,
      minEffect: s.minEffect !== undefined ? fraction(s.minEffect) : 0.05,
      limits: new Map(Object.entries(s.limits ?? {}).map(([m, l]) => [m as 'p50', { ratio: l.ratio, differenceMs: l.difference === undefined ? undefined : latencyMs(l.difference) }])),
    },
  };
}

function smoke(s: SmokeInput): SmokeSpec {
  const health = s.health === false ? null : (s.health ?? { path: '/health', status: 200, maintenanceField: 'MaintenanceMode' });
  const test = s.test === false ? null : (s.test ?? { path: '/test', status: 200 });
  return {
    health: health && { path: health.path, status: health.status, expect: health.expect ?? {}, maintenanceField: health.maintenanceField },
    test,
    timeoutMs: s.timeout ? durationMs(s.timeout) : 10_000,
  };
}

function request(r: RequestInput): RequestSpec {
  const headers = toHeaders(r.headers);
  let body: Uint8Array | undefined;
  if (typeof r.body === 'string') body = Buffer.from(r.body);
  else if (r.body !== undefined) {
    body = Buffer.from(JSON.stringify(r.body));
    if (!headers.some((h) => h.name.toLowerCase() === 'content-type')) headers.push({ name: 'content-type', value: 'application/json' });
  }
  return { method: r.method, path: r.path, headers, body, weight: r.weight, endpoint: r.endpoint ?? r.path.split('?')[0]! };
}

function phase(p: PhaseInput, at: FieldPath, scenarioRequests: RequestSpec[], src: YamlSource, base: string): PhaseSpec {
  const given = (k: string) => (p as Record<string, unknown>)[k] !== undefined;
  const found = PHASE_KINDS.filter((k) => given(k.key));
  if (found.length !== 1) throw src.error(at, `needs exactly one of ${PHASE_KINDS.map((k) => k.key).join(', ').replace(/, (\w+)$/, ' or $1')}${found.length ? ` (found ${found.map((k) => k.key).join(', ')})` : ''}`);
  const kind = found[0]!;
  // A field another kind owns (a rate's poisson, a replay's speed) is a mistake, not something to ignore.
  for (const other of PHASE_KINDS) {
    if (other === kind) continue;
    for (const f of Object.keys(other.fields)) if (f !== other.key && given(f)) throw src.error(at, `only applies to a ${other.key} phase`, f);
  }
  if (kind.needsDuration && !p.duration) throw src.error(at, `a ${kind.key} phase needs a duration, e.g. duration: 20s`);
  const requests = p.requests ? p.requests.map(request) : scenarioRequests;
  // The kind's own fields are validated by the schema, which is built from them.
  const spec = (kind as PhaseKind).normalize(p as never, { requests, durationMs: p.duration ? durationMs(p.duration) : 0, base });
  if (p.workers === undefined) return spec;
  if ('connections' in spec && p.workers > spec.connections) throw src.error(at, `workers: ${p.workers} is more than its ${spec.connections} connections (each worker opens at least one)`, 'workers');
  return { ...spec, workers: p.workers };
}

function limits(m: MetricsInput | undefined): MetricLimits {
  const out: MetricLimits = {};
  if (!m) return out;
  for (const k of ['p50', 'p90', 'p95', 'p99', 'max'] as const) if (m[k] !== undefined) out[k] = latencyMs(m[k]);
  if (m.errorRate !== undefined) out.errorRate = fraction(m.errorRate);
  if (m.achievedRate !== undefined) out.achievedRate = rateOrShare(m.achievedRate);
  return out;
}

function thresholds(t: ScenarioInput['thresholds']): ThresholdSpec {
  return {
    ...limits(t),
    smoke: t?.smoke,
    kneeMin: t?.knee?.min,
    endpoints: new Map(Object.entries(t?.endpoints ?? {}).map(([k, v]) => [k, limits(v)])),
    configurations: new Map(Object.entries(t?.configurations ?? {}).map(([k, v]) => [k, { ...limits(v), smoke: v.smoke }])),
  };
}
