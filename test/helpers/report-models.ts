import type { ReplaySummary, TargetSummary } from '../../src/replay/types.js';
import { replayReportModel } from '../../src/report/from-replay.js';
import { REPORT_SCHEMA, type ComparisonResult, type ConfigurationReport, type PhaseReport, type ReportModel, type ScenarioReport, type SmokeResult, type ValidityReport } from '../../src/report/model.js';
import { scenarioVerdict, withVerdict } from '../../src/report/verdict.js';
import { knee, rng, simulate, type SimOptions } from './report-sim.js';

/** Hostile strings as they could arrive from a capture, a yaml file or a target's answer. */
export const XSS = {
  script: '/a<script>window.__xss=1</script>',
  img: '"><img src=x onerror="window.__xss=2">',
  close: '</script><script>window.__xss=3</script>',
  attr: "' onmouseover='window.__xss=4' x='",
};

const validity = (p: ReturnType<typeof simulate>, over: Partial<ValidityReport> = {}): ValidityReport => ({
  valid: true, reasons: [], eventLoopDelayP99Ms: 11.2, cpu: 0.31, scheduleLag: p.stats.scheduleLag, dropped: 0, ...over,
});

function phase(name: string, kind: PhaseReport['kind'], sim: SimOptions, extra: Partial<PhaseReport> = {}): PhaseReport {
  const p = simulate(sim);
  return { name, kind, ...p, validity: validity(p), ...extra };
}

const healthy = (base: string, name = 'render-page'): SmokeResult => ({
  state: 'healthy',
  health: { name: '/health', url: `${base}/health`, pass: true, status: 200, latencyMs: 1.8, expectations: [{ field: 'DatabaseConnectivity', expected: true, actual: true, pass: true }, { field: 'MaintenanceMode', expected: false, actual: false, pass: true }] },
  test: { name: '/test', url: `${base}/test`, pass: true, status: 200, latencyMs: 6.4, expectations: [], tests: [{ name, endpoint: '/render', success: true }, { name: 'work-short', endpoint: '/work?ms=5', success: true }] },
});

const RAMP = { threads: 20, workMs: 300, from: 1, to: 120, durationMs: 40_000 } as const;

/** Issue 4's capacity experiment: fail-fast, queueing and behind-nginx, ramp 1 → 120 req/s. */
export function capacityScenario(hostile = false): ScenarioReport {
  const configs: Array<[string, Partial<SimOptions>]> = [['fail-fast', { mode: 'fail-fast' }], ['queue', { mode: 'queue', queue: 40 }], [hostile ? `nginx${XSS.img}` : 'behind-nginx', { mode: 'fail-fast', overheadMs: 0.4 }]];
  const configurations: ConfigurationReport[] = configs.map(([name, o], i) => {
    const base = `http://127.0.0.1:${41000 + i}${hostile && i === 2 ? XSS.script : ''}`;
    const p = phase('ramp', 'ramp', { ...RAMP, mode: 'fail-fast', seed: 7 + i, ...o }, { description: 'ramp 1 → 120 req/s over 40 s' });
    p.stats.url = base;
    p.knee = knee(p.stats.intervals, p.intervalMs, 1000, 0.01);
    if (name === 'queue') p.timeline = [{ atMs: 30_000, label: hostile ? `i-0abc${XSS.close}` : 'i-0abc', state: 'draining' }];
    return { name, baseUrl: base, smoke: healthy(base, hostile ? `render${XSS.attr}` : 'render-page'), phases: [p] };
  });
  const thresholds = configurations.flatMap((c) => {
    const s = c.phases[0]!.stats;
    const errorRate = (s.statuses['503'] ?? 0) / s.requests;
    return [
      { metric: 'p99', configuration: c.name, phase: 'ramp', op: '<=' as const, limit: 1000, actual: s.latency!.p99, unit: 'ms' as const, pass: s.latency!.p99 <= 1000 },
      { metric: 'errorRate', configuration: c.name, phase: 'ramp', op: '<=' as const, limit: 0.25, actual: errorRate, unit: 'percent' as const, pass: errorRate <= 0.25 },
    ];
  });
  const s = { name: 'capacity', description: '20 threads, /work?ms=300: capacity ≈ 66 req/s', configurations, thresholds, comparisons: [] };
  return { ...s, verdict: scenarioVerdict(s) };
}

/** Issue 4 item 2: /health passes, /test answers 503 with failing tests; availability is required. */
export function maintenanceScenario(): ScenarioReport {
  const base = 'http://127.0.0.1:41010';
  const smoke: SmokeResult = {
    state: 'in-maintenance',
    health: { name: '/health', url: `${base}/health`, pass: true, status: 200, latencyMs: 1.2, expectations: [{ field: 'DatabaseConnectivity', expected: true, actual: true, pass: true }, { field: 'MaintenanceMode', expected: false, actual: true, pass: false }] },
    test: { name: '/test', url: `${base}/test`, pass: false, status: 503, latencyMs: 3.1, expectations: [], tests: [{ name: 'render-page', endpoint: '/render', success: false, error: 'HTTP 503: in maintenance' }, { name: 'work-short', endpoint: '/work?ms=5', success: true }] },
  };
  smoke.health.pass = true;
  const configurations: ConfigurationReport[] = [{ name: 'maintenance', baseUrl: base, smoke, phases: [] }];
  const thresholds = [{ metric: 'smoke', configuration: 'maintenance', op: '==' as const, limit: 'healthy', actual: 'in-maintenance', unit: 'bool' as const, pass: false, message: 'availability required' }];
  const s = { name: 'maintenance', configurations, thresholds, comparisons: [] };
  return { ...s, verdict: scenarioVerdict(s) };
}

/** A request mix: one in ten requests went to /render, answered in about a millisecond. */
function withMix(p: PhaseReport): PhaseReport {
  const work = p.stats.endpoints[0]!;
  const render = Math.round(work.requests / 10);
  p.stats.endpoints = [
    { ...work, requests: work.requests - render, statuses: { 200: work.requests - render } },
    { endpoint: '/render', requests: render, errors: 0, latency: { p50: 0.9, p90: 1.2, p95: 1.3, p99: 1.9, p999: 2.1, max: 2.1 }, statuses: { 200: render } },
  ];
  return p;
}

function bootstrapCi(a: number[], b: number[], seed: number): { low: number; high: number } {
  const r = rng(seed);
  const med = (xs: number[]): number => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]!; };
  const pick = (xs: number[]): number[] => xs.map(() => xs[Math.floor(r() * xs.length)]!);
  const diffs = Array.from({ length: 400 }, () => med(pick(b)) - med(pick(a))).sort((x, y) => x - y);
  return { low: diffs[10]!, high: diffs[389]! };
}

/** Issue 4 item 3: A vs B (+30 % work), repeated and interleaved, bootstrap interval on the p50/p99 difference. */
export function abScenario(repeat = 5): ScenarioReport {
  const sides: Array<[string, number]> = [['build-a', 1], ['build-b', 1.3]];
  const configurations: ConfigurationReport[] = sides.map(([name, factor], i) => ({
    name, baseUrl: `http://127.0.0.1:4102${i}`, smoke: healthy(`http://127.0.0.1:4102${i}`),
    phases: Array.from({ length: repeat }, (_, k) => withMix(phase('steady', 'rate', { threads: 20, workMs: 20, mode: 'queue', queue: 100, from: 40, to: 40, durationMs: 6000, poisson: true, seed: 100 + 2 * k + i, latencyFactor: factor }, { repeat: k, description: '40 req/s for 6 s' }))),
  }));
  const comparisons: ComparisonResult[] = (['p50', 'p99'] as const).map((metric, j) => {
    const runs = configurations.map((c) => c.phases.map((p) => p.stats.latency![metric]));
    const med = runs.map((xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!);
    const ci = bootstrapCi(runs[0]!, runs[1]!, 9 + j);
    const verdict = ci.low > 0 ? 'worse' : ci.high < 0 ? 'better' : 'no-significant-difference';
    return { metric, unit: 'ms', phase: 'steady', a: { configuration: 'build-a', value: med[0]!, runs: runs[0]! }, b: { configuration: 'build-b', value: med[1]!, runs: runs[1]! }, difference: med[1]! - med[0]!, relative: med[1]! / med[0]! - 1, ci: { ...ci, level: 0.95 }, verdict, method: 'bootstrap of medians', limit: { kind: 'ratio', max: 1.1 }, pass: med[1]! / med[0]! <= 1.1 };
  });
  // p99 ≤ 30 ms checked on every run: ten results, two rows once grouped.
  const thresholds = configurations.flatMap((c) => c.phases.map((p) => ({ metric: 'p99', configuration: c.name, phase: 'steady', op: '<=' as const, limit: 30, actual: p.stats.latency!.p99, unit: 'ms' as const, pass: p.stats.latency!.p99 <= 30 })));
  const s = { name: 'a-b', description: 'build-b does 30 % more work per request', configurations, thresholds, comparisons };
  return { ...s, verdict: scenarioVerdict(s) };
}

const built = new Map<boolean, ReportModel>();

/** Capacity, maintenance and A/B scenarios in one model; simulated once per file, a fresh copy per call. */
export function scenariosModel(hostile = false): ReportModel {
  if (!built.has(hostile)) built.set(hostile, buildScenariosModel(hostile));
  return structuredClone(built.get(hostile)!);
}

function buildScenariosModel(hostile: boolean): ReportModel {
  return withVerdict({
    schema: REPORT_SCHEMA, kind: 'scenarios', title: hostile ? `Scenarios ${XSS.script}` : 'shadowtap scenarios',
    generatedAt: '2026-11-23T06:00:00.000Z', source: hostile ? `/tmp/${XSS.img}/scenarios.yaml` : 'scenarios.yaml', toolVersion: '0.1.0',
    reasons: ['maintenance: smoke == healthy (in-maintenance)', 'a-b: build-b p50 ×1.3 > ×1.1'],
    scenarios: [capacityScenario(hostile), maintenanceScenario(), abScenario()],
  });
}

/** A replay summary as `shadowtap replay --summary` writes it: primary, secondary, candidate, one JSON field changed. */
export function replaySummary(hostile = false): ReplaySummary {
  const targets = ['http://127.0.0.1:42001', 'http://127.0.0.1:42002', 'http://127.0.0.1:42003'].map((url, i) => {
    const { stats } = simulate({ threads: 8, workMs: 4, mode: 'queue', queue: 100, from: 200, to: 200, durationMs: 8000, poisson: true, seed: 50 + i, intervalMs: 500 });
    // The simulation measures every interval: its stats are a replay target's as they are.
    return { ...(stats as TargetSummary), url, endpoints: [{ ...(stats as TargetSummary).endpoints[0]!, endpoint: hostile ? `/users/{id}${XSS.script}` : '/users/{id}' }] };
  });
  return {
    startedAt: '2026-11-23T06:10:00.000Z', durationMs: 8000, targets,
    validity: { valid: true, reasons: [], eventLoopDelayP99Ms: 10.4, cpu: 0.42 },
    input: { exchanges: 1620, invalid: 2, filtered: 18 },
    differences: {
      mode: 'noise',
      targets: [{ target: 2, url: targets[2]!.url, compared: 1600, differing: 1600, regressions: 12, fields: [
        { endpoint: '/users/{id}', field: 'body:$.user.email', count: 12, noise: false, examples: [{ id: 'x1#0', expected: '"a@example.com"', actual: hostile ? JSON.stringify(XSS.img) : '"A@example.com"' }] },
        { endpoint: '/users/{id}', field: hostile ? `header:x-${XSS.attr}` : 'body:$.generatedAt', count: 1600, noiseCount: 1600, noise: true, examples: [{ id: 'x2#0', expected: '"06:10:01"', actual: '"06:10:02"' }] },
      ] }],
    },
  };
}

export function replayModel(hostile = false): ReportModel {
  return replayReportModel(replaySummary(hostile), { captures: [hostile ? `/data/${XSS.script}.jsonl` : '/data/prod.jsonl.gz'], intervalMs: 500, roles: ['primary', 'secondary', 'candidate'], failures: ['candidate: 12 responses differ at body:$.user.email'], generatedAt: '2026-11-23T06:10:09.000Z' });
}
