import { mkdir } from 'node:fs/promises';
import { writePrivateFile } from '../formats/private-file.js';
import { dirname } from 'node:path';
import { escXml } from './escape.js';
import { signed, withUnit } from './format.js';
import type { CheckResult, ComparisonResult, ConfigurationReport, ReportModel, ScenarioReport, ThresholdResult } from './model.js';

interface Case {
  classname: string;
  name: string;
  timeS?: number;
  failure?: { type: string; message: string; detail?: string };
  /** A run that could not measure (invalid generator): JUnit's <error>, not a <failure>. */
  error?: { type: string; message: string };
}

function checkCase(cls: string, config: string, c: CheckResult, state: string, failing: string[]): Case {
  const fails = c.expectations.filter((e) => !e.pass).map((e) => `${e.field} = ${JSON.stringify(e.actual) ?? 'missing'} (expected ${JSON.stringify(e.expected)})`);
  const why = [c.status !== undefined ? `HTTP ${c.status}` : '', c.error ?? '', ...fails, ...failing].filter(Boolean);
  return {
    classname: cls,
    name: `${config} ${c.name}`,
    ...(c.latencyMs !== undefined ? { timeS: c.latencyMs / 1000 } : {}),
    ...(c.pass ? {} : { failure: { type: 'smoke', message: `${config} is ${state}: ${c.name} failed${why.length ? `: ${why.join('; ')}` : ''}`, detail: why.join('\n') } }),
  };
}

function smokeCases(cls: string, c: ConfigurationReport): Case[] {
  if (!c.smoke) return [];
  const failing = (c.smoke.test?.tests ?? []).filter((t) => !t.success).map((t) => `${t.name}: ${t.error ?? 'failed'}`);
  return [checkCase(cls, c.name, c.smoke.health, c.smoke.state, []), ...(c.smoke.test ? [checkCase(cls, c.name, c.smoke.test, c.smoke.state, failing)] : [])];
}

function thresholdCase(cls: string, t: ThresholdResult): Case {
  const where = [t.configuration, t.phase, t.endpoint].filter(Boolean).join(' ');
  const name = `${where ? `${where}: ` : ''}${t.metric} ${t.op} ${withUnit(t.limit, t.unit)}`;
  const message = `${t.metric} was ${withUnit(t.actual, t.unit)}, limit ${t.op} ${withUnit(t.limit, t.unit)}${t.message ? ` (${t.message})` : ''}`;
  return { classname: cls, name, ...(t.pass ? {} : { failure: { type: 'threshold', message } }) };
}

function comparisonCase(cls: string, c: ComparisonResult): Case {
  const name = `${c.phase ? `${c.phase}: ` : ''}${c.metric} ${c.b.configuration} vs ${c.a.configuration}`;
  const message = `${c.verdict}: ${c.b.configuration} ${withUnit(c.b.value, c.unit)} vs ${c.a.configuration} ${withUnit(c.a.value, c.unit)}, difference ${signed(c.difference, c.unit)}, ${Math.round(c.ci.level * 100)}% CI [${signed(c.ci.low, c.unit)}, ${signed(c.ci.high, c.unit)}]${c.message ? ` (${c.message})` : ''}`;
  return { classname: cls, name, ...(c.pass ? {} : { failure: { type: 'comparison', message } }) };
}

function scenarioCases(s: ScenarioReport): Case[] {
  const base = `shadowtap.${s.name}`;
  const validity = s.configurations.flatMap((c) => c.phases.map((p): Case => ({
    classname: `${base}.validity`,
    name: `${c.name} ${p.name}${p.repeat === undefined ? '' : ` #${p.repeat + 1}`} run validity`,
    timeS: (p.durationMs ?? p.stats.intervals.length * p.intervalMs) / 1000,
    ...(p.validity.valid ? {} : { error: { type: 'invalid-run', message: `invalid run: ${p.validity.reasons.join('; ') || 'generator fell behind'}` } }),
  })));
  // A configuration whose load never ran measured nothing: an <error>, as an invalid run is.
  const notRun = s.configurations.flatMap((c): Case[] => (c.invalid ? [{ classname: `${base}.validity`, name: `${c.name} run validity`, error: { type: 'invalid-run', message: `invalid run: ${c.invalid}` } }] : []));
  return [
    ...s.configurations.flatMap((c) => smokeCases(`${base}.smoke`, c)),
    ...s.thresholds.map((t) => thresholdCase(`${base}.thresholds`, t)),
    ...s.comparisons.map((c) => comparisonCase(`${base}.comparisons`, c)),
    ...validity,
    ...notRun,
  ];
}

function replayCases(m: ReportModel): Case[] {
  const r = m.replay;
  if (!r) return [];
  const v = r.summary.validity;
  const cases: Case[] = [{ classname: 'shadowtap.replay', name: 'run validity', timeS: r.summary.durationMs / 1000, ...(v.valid ? {} : { error: { type: 'invalid-run', message: `invalid run: ${v.reasons.join('; ')}` } }) }];
  cases.push(...(r.thresholds ?? []).map((t) => thresholdCase('shadowtap.replay', t)));
  for (const t of r.summary.targets) {
    const diffs = r.differences.filter((d) => d.target === t.url && !d.noise);
    const message = diffs.map((d) => `${d.endpoint} ${d.field}: ${d.count} differing`).join('; ');
    const failed = r.differencesFail === true && diffs.length > 0;
    cases.push({ classname: 'shadowtap.replay', name: `${t.url} responses as recorded`, ...(failed ? { failure: { type: 'difference', message } } : {}) });
  }
  return cases;
}

function caseXml(c: Case): string {
  const time = c.timeS !== undefined ? ` time="${c.timeS.toFixed(3)}"` : '';
  const open = `    <testcase classname="${escXml(c.classname)}" name="${escXml(c.name)}"${time}`;
  if (c.error) return `${open}>\n      <error type="${escXml(c.error.type)}" message="${escXml(c.error.message)}"/>\n    </testcase>`;
  if (!c.failure) return `${open}/>`;
  return `${open}>\n      <failure type="${escXml(c.failure.type)}" message="${escXml(c.failure.message)}">${escXml(c.failure.detail ?? c.failure.message)}</failure>\n    </testcase>`;
}

function suiteXml(name: string, cases: Case[], timestamp: string): string {
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  return `  <testsuite name="${escXml(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" timestamp="${escXml(timestamp)}">\n${cases.map(caseXml).join('\n')}\n  </testsuite>`;
}

/** JUnit XML: one suite per scenario (and one for a replay), one testcase per check, threshold, comparison and run. */
export function renderJUnit(m: ReportModel): string {
  const timestamp = m.generatedAt.replace(/\.\d+Z$/, '').replace(/Z$/, '');
  const suites: Array<[string, Case[]]> = m.scenarios.map((s) => [s.name, scenarioCases(s)]);
  if (m.replay) suites.push(['replay', replayCases(m)]);
  const all = suites.flatMap(([, cs]) => cs);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escXml(m.title)}" tests="${all.length}" failures="${all.filter((c) => c.failure).length}" errors="${all.filter((c) => c.error).length}">\n${suites.map(([n, cs]) => suiteXml(n, cs, timestamp)).join('\n')}\n</testsuites>\n`;
}

export async function writeJUnit(file: string, model: ReportModel): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writePrivateFile(file, renderJUnit(model)); // quotes captured paths: 0600 like the report
  return file;
}
