import { thresholdOutcome, withUnit } from '../report/format.js';
import type { ComparisonResult, ConfigurationReport, PhaseReport, ScenarioReport, ThresholdResult } from '../report/model.js';
import { scenarioVerdict } from '../report/verdict.js';
import { phaseCounts, runPercentiles } from '../report/compare/samples.js';
import { compareSides as compareRuns, type Side as ComparedSide } from './compare.js';
import { collectGarbage } from '../replay/collect-garbage.js';
import type { LoadTarget, PhaseContext } from './measure/open-phase.js';
import { phaseKind } from './phases/index.js';
import { runSpreadPhase, type SpreadOptions } from './spread/spread-phase.js';
import type { Progress } from './progress.js';
import { probe, reachable, runSmoke, smokeProblem } from './smoke.js';
import type { ConfigurationSpec, PhaseSpec, ScenarioSpec } from './spec.js';
import { checkEndpointsSeen, checkMetrics, checkPhase, checkSmoke, limitsFor, smokeRequirement } from './thresholds.js';

export interface ScenarioContext {
  progress: Progress;
  /** Base URL of a configuration, starting it when needed. */
  urlOf: (c: ConfigurationSpec) => Promise<string>;
  configurations: Map<string, ConfigurationSpec>;
  signal?: AbortSignal;
  /** Where phases with `workers: N` find their workers. */
  spread?: SpreadOptions;
}

interface Side {
  spec: ConfigurationSpec;
  report: ConfigurationReport;
  target: LoadTarget;
  /** Why load is not run against it (smoke state), if so. */
  skip?: string;
}

/** Runs one scenario: smoke checks, load phases (interleaved A,B,A,B… when comparing), thresholds, verdicts. */
export async function runScenario(s: ScenarioSpec, ctx: ScenarioContext): Promise<{ report: ScenarioReport; reasons: string[] }> {
  // ELB health gate (src/aws): no load, not even a start command, on a pool without enough healthy targets (exit 3).
  if (s.requireHealthy) ctx.progress.log(`  ${await (await import('../aws/scenario-steps.js')).gateHealthy(s.requireHealthy)}`);
  const invalid: string[] = [];
  const thresholds: ThresholdResult[] = [];
  const sides: Side[] = [];
  for (const name of s.configurations) {
    const spec = ctx.configurations.get(name)!;
    const baseUrl = await ctx.urlOf(spec);
    const target = { baseUrl, proxy: spec.proxy, headers: spec.headers, connections: spec.connections, ...(spec.staging ? { staging: spec.staging } : {}) };
    const side: Side = { spec, target, report: { name, baseUrl, ...(spec.proxy ? { proxy: withoutPassword(spec.proxy) } : {}), phases: [] } };
    sides.push(side);
    if (s.smoke) {
      const smoke = await runSmoke(target, s.smoke);
      side.report.smoke = smoke;
      ctx.progress.log(`  ${name}: ${smoke.state}${smoke.state === 'healthy' ? '' : ` (${smokeProblem(smoke)})`}`);
      const need = smokeRequirement(s, name);
      if (need) thresholds.push(checkSmoke(need, smoke, name));
      if (!reachable(smoke)) side.report.invalid = `${name} cannot be reached: ${smokeProblem(smoke)}`;
      else if (s.phases.length && smoke.state === 'unhealthy') side.report.invalid = `${name} failed its smoke check before load: ${smokeProblem(smoke)}`;
      if (side.report.invalid) invalid.push(side.report.invalid);
      if (smoke.state !== 'healthy') side.skip = `load not run: ${name} is ${smoke.state}`;
    } else if (s.phases.length) {
      const err = await probe(target);
      if (err) {
        side.report.invalid = `${name} cannot be reached: ${err}`;
        invalid.push(side.report.invalid);
        side.skip = 'load not run: unreachable';
      }
    }
  }

  // ELB drain step (src/aws): its deregister → restart → register cycle runs during this phase, through the LB.
  const drainDuring = async (side: Side, p: PhaseSpec, pctx: PhaseContext) => {
    const { drainDuringPhase } = await import('../aws/scenario-steps.js');
    const d = await drainDuringPhase(s.drain!, { configuration: side.spec.name, phase: p.name }, (onResult) => phaseKind(p).run(p, { ...pctx, onResult }), { signal: ctx.signal, log: (line) => ctx.progress.log(`  ${line}`) });
    d.measured.report.timeline = [...(d.measured.report.timeline ?? []), ...d.timeline];
    thresholds.push(d.threshold);
    if (d.invalid) invalid.push(d.invalid);
    ctx.progress.log(`  ${d.threshold.message}`);
    return d.measured;
  };

  // normalize.ts has checked that the drain phase is an open-model one (and that drain and compare do not combine).
  // One phase on one side, its progress shown under `label`.
  const measure = (side: Side, p: PhaseSpec, label: string, repeat?: number) => {
    // A schedule far behind the clock is not nearly done: count against its requests where they are known.
    const requests = phaseKind(p).plannedRequests?.(p);
    const plan = requests !== undefined ? { totalRequests: requests } : 'durationMs' in p ? { totalMs: p.durationMs } : {};
    const pctx: PhaseContext = { scenario: s, target: side.target, repeat, signal: ctx.signal, onProgress: (x) => ctx.progress.phase(label, x, plan) };
    return s.drain && p.name === (s.drain.phase ?? s.phases[0]!.name) ? drainDuring(side, p, pctx) : p.workers ? runSpreadPhase(phaseKind(p), p, pctx, ctx.spread) : phaseKind(p).run(p, pctx);
  };

  /** A compared phase run on one side and not kept: whatever its result, it is not a measurement. */
  const warm = async (side: Side, p: PhaseSpec, round: number, rounds: number): Promise<void> => {
    const label = `${s.name} · ${side.spec.name} · ${p.name} warm-up${rounds > 1 ? ` ${round + 1}` : ''}`;
    const { report } = await measure(side, p, label);
    ctx.progress.log(`  ${label}: ${latencyText(report)} (not counted)`);
  };

  const runNumbers = new Map<string, number>();
  const run = async (side: Side, p: PhaseSpec, repeat?: number, retries = 0): Promise<PhaseReport> => {
    // Every measurement, a retry too, gets its own run number: a retried run is a new run, not #n again.
    const runNo = (runNumbers.get(`${side.spec.name}\0${p.name}`) ?? 0) + 1;
    runNumbers.set(`${side.spec.name}\0${p.name}`, runNo);
    const label = `${s.name} · ${side.spec.name} · ${p.name}${repeat === undefined ? '' : ` #${runNo}${retries < (s.compare?.retries ?? retries) ? ' (retry)' : ''}`}`;
    collectGarbage();
    const measured = await measure(side, p, label, repeat);
    const report = measured.report;
    const knee = report.knee ? `, knee ${report.knee.kneeRate ?? '–'} req/s` : '';
    ctx.progress.log(`  ${label}: ${latencyText(report)}, ${report.stats.achievedRate} req/s ok${knee}${report.validity.valid ? '' : ' (INVALID)'}`);
    if (!report.validity.valid && retries > 0) {
      // A late generator measured itself, not the target: measure this run again rather than keep it.
      remeasured++;
      return run(side, p, repeat, retries - 1);
    }
    side.report.phases.push(report);
    samples.set(report, measured.sample);
    if (!report.validity.valid) invalid.push(`${side.spec.name} ${report.name}: ${report.validity.reasons.join('; ')}`);
    return report;
  };

  let remeasured = 0;
  const samples = new Map<PhaseReport, number[]>();
  const comparisons: ComparisonResult[] = [];
  if (s.compare) {
    const [a, b] = sides as [Side, Side];
    if (a.skip || b.skip) {
      // Unreachable or unhealthy sides already made the run invalid; a side in maintenance fails it.
      const message = `comparison not run: ${[a.skip, b.skip].filter(Boolean).join('; ')}`;
      thresholds.push({ metric: 'comparison', op: '==', limit: 'run', actual: 'not run', unit: 'bool', pass: false, message });
    } else {
      // A first run of a fresh service (its connections, caches, compiled code) was measured cold, and
      // always on A: one A/B test saw A's first p99 at 74 ms against 52-56 ms for its other nine.
      const { warmup, repeat, retries } = s.compare;
      for (let w = 0; w < warmup; w++) for (const p of s.phases) for (const side of [a, b]) await warm(side, p, w, warmup);
      // The sides take turns going first (A B, B A, A B, …), so what the order does falls on both alike.
      for (let r = 0; r < repeat; r++) for (const p of s.phases) for (const side of r % 2 ? [b, a] : [a, b]) await run(side, p, r, retries);
      comparisons.push(...compareSides(s, a, b, samples, remeasured));
    }
  } else {
    for (const side of sides) if (!side.skip) for (const p of s.phases) await run(side, p);
  }

  for (const side of sides) {
    if (side.skip) {
      for (const p of s.phases) thresholds.push(...checkMetrics(limitsFor(s, side.spec.name), null, { configuration: side.spec.name, phase: p.name }, side.skip));
    } else {
      for (const p of side.report.phases) thresholds.push(...checkPhase(s, side.spec.name, p));
      thresholds.push(...checkEndpointsSeen(s, side.spec.name, side.report.phases));
    }
  }
  const body = { name: s.name, ...(s.description ? { description: s.description } : {}), configurations: sides.map((x) => x.report), thresholds, comparisons };
  const verdict = scenarioVerdict(body, invalid.length > 0);
  const reasons = [
    ...invalid.map((m) => `${s.name}: ${m}`),
    ...thresholds.filter((t) => !t.pass).map((t) => `${s.name}: ${[t.configuration, t.phase, t.endpoint, thresholdOutcome(t)].filter(Boolean).join(' ')}${t.message ? `: ${t.message}` : ''}`),
    ...comparisons.filter((c) => !c.pass).map((c) => `${s.name}: ${c.message}`),
  ];
  return { report: { ...body, verdict }, reasons };
}

/** "p50 12.3 ms p99 40 ms", or "p50 — p99 —" for a run without a successful response. */
const latencyText = (r: PhaseReport): string => `p50 ${withUnit(r.stats.latency?.p50, 'ms')} p99 ${withUnit(r.stats.latency?.p99, 'ms')}`;

/** Reports and CI logs are shared: a proxy password never goes into them. */
function withoutPassword(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString().replace(/\/$/, '');
}

function compareSides(s: ScenarioSpec, a: Side, b: Side, samples: Map<PhaseReport, number[]>, remeasured: number): ComparisonResult[] {
  const cmp = s.compare!;
  const side = (x: Side, phase: string): ComparedSide => {
    const runs = x.report.phases.filter((p) => p.name === phase);
    return { configuration: x.spec.name, samples: runs.map((r) => samples.get(r) ?? []), perRun: runs.map(runPercentiles), counts: runs.map(phaseCounts) };
  };
  return s.phases.flatMap((p) =>
    compareRuns(side(a, p.name), side(b, p.name), {
      phase: p.name,
      level: cmp.confidence,
      minEffect: cmp.minEffect,
      limits: cmp.limits,
      note: [`${cmp.warmup ? `after ${cmp.warmup} warm-up round${cmp.warmup > 1 ? 's' : ''}, ` : ''}each side first in alternate rounds`, ...(remeasured ? [`${remeasured} invalid run${remeasured > 1 ? 's' : ''} measured again`] : [])].join('; '),
    }),
  );
}
