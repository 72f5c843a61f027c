import { basename, dirname } from 'node:path';
import { InputError } from '../../errors.js';
import type { ComparisonResult, ConfigurationReport, PhaseReport, ReportModel, ScenarioReport } from '../model.js';
import { REPORT_SCHEMA } from '../model.js';
import { scenarioVerdict, withVerdict } from '../verdict.js';
import { clusters, phaseCounts, runPercentiles } from './samples.js';

/** The shape of scenarios/compare.ts's compareSides: the CLI passes it in (report/ may not import scenarios/). */
export interface CompareSide {
  configuration: string;
  samples: number[][];
  perRun: Record<'p50' | 'p95' | 'p99', number | null>[];
  counts: { ok: number; failed: number }[];
}
export type CompareSides = (a: CompareSide, b: CompareSide, o: { phase: string; level: number; minEffect: number; limits: Map<'p50' | 'p95' | 'p99', { ratio?: number; differenceMs?: number }>; clusters?: 'runs' | 'intervals'; note?: string }) => ComparisonResult[];

export interface CompareInput {
  file: string;
  model: ReportModel;
}

/** "a" for a/summary.json; "A"/"B" when the folders do not tell the runs apart. */
function labels(a: string, b: string): [string, string] {
  const la = basename(dirname(a));
  const lb = basename(dirname(b));
  return la && lb && la !== lb && la !== '.' && lb !== '.' ? [la, lb] : ['A', 'B'];
}

/** A replay's targets as configurations of one scenario, so both kinds compare the same way. */
function scenariosOf(m: ReportModel): ScenarioReport[] {
  if (!m.replay) return m.scenarios;
  const r = m.replay;
  const configurations: ConfigurationReport[] = r.summary.targets.map((t) => ({
    name: t.role ?? t.url, baseUrl: t.url,
    phases: [{ name: 'replay', kind: 'replay', intervalMs: r.intervalMs, stats: t, distribution: t.distribution, validity: r.summary.validity }],
  }));
  return [{ name: 'replay', verdict: m.verdict, configurations, thresholds: [], comparisons: [] }];
}

function compareScenario(sa: ScenarioReport, sb: ScenarioReport, [la, lb]: [string, string], compare: CompareSides): ScenarioReport {
  const renamed = (c: ConfigurationReport, l: string): ConfigurationReport => ({ ...c, name: `${l} · ${c.name}` });
  const comparisons = sa.configurations.flatMap((ca) => {
    const cb = sb.configurations.find((c) => c.name === ca.name);
    if (!cb) return [];
    return [...new Set(ca.phases.map((p) => p.name))].flatMap((phase) => {
      const ra = ca.phases.filter((p) => p.name === phase);
      const rb = cb.phases.filter((p) => p.name === phase);
      if (!rb.length) return [];
      const byInterval = ra.length < 2 || rb.length < 2;
      const side = (l: string, runs: PhaseReport[]): CompareSide => ({ configuration: `${l} · ${ca.name}`, samples: clusters(runs, byInterval), perRun: runs.map(runPercentiles), counts: runs.map(phaseCounts) });
      const note = byInterval ? 'samples read from each interval\'s percentiles' : 'samples read from each run\'s latency distribution';
      return compare(side(la, ra), side(lb, rb), { phase, level: 0.95, minEffect: 0.05, limits: new Map(), clusters: byInterval ? 'intervals' : 'runs', note });
    });
  });
  const body = { name: sa.name, description: `${lb} relative to ${la}`, configurations: sa.configurations.flatMap((ca) => {
    const cb = sb.configurations.find((c) => c.name === ca.name);
    return cb ? [renamed(ca, la), renamed(cb, lb)] : [];
  }), thresholds: [], comparisons };
  return { ...body, verdict: scenarioVerdict(body) };
}

/**
 * Two runs' summaries as one report: every scenario, configuration and phase both ran, B against A
 * with the scenario runner's own A/B verdict (paired bootstrap, min effect 5 %, 95 %): worse fails.
 */
export function comparedModel(a: CompareInput, b: CompareInput, compare: CompareSides): ReportModel {
  const l = labels(a.file, b.file);
  const sb = scenariosOf(b.model);
  const scenarios = scenariosOf(a.model).flatMap((s) => {
    const other = sb.find((x) => x.name === s.name);
    return other ? [compareScenario(s, other, l, compare)] : [];
  });
  if (!scenarios.some((s) => s.comparisons.length)) throw new InputError(`${b.file}: no scenario, configuration and phase in common with ${a.file}: nothing to compare`);
  return withVerdict({
    schema: REPORT_SCHEMA, kind: 'scenarios', title: `${l[1]} compared with ${l[0]}`, generatedAt: new Date().toISOString(),
    source: `${a.file} (${a.model.generatedAt}) ↔ ${b.file} (${b.model.generatedAt})`,
    ...(a.model.toolVersion ? { toolVersion: a.model.toolVersion } : {}),
    reasons: scenarios.flatMap((s) => s.comparisons.filter((c) => !c.pass).map((c) => `${s.name}: ${c.message ?? c.metric}`)),
    scenarios,
  });
}
