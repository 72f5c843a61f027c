import type { ReportModel, ScenarioReport, Verdict } from './model.js';
import { certainFailure, judge } from '../verdict.js';

const EXIT: Record<Verdict, 0 | 1 | 3> = { pass: 0, fail: 1, invalid: 3 };

export function exitCodeForVerdict(v: Verdict): 0 | 1 | 3 {
  return EXIT[v];
}

/** Across scenarios, invalid beats fail beats pass: each scenario's own verdict already let a certain failure stand (`judge`). */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'pass';
  for (const v of verdicts) {
    if (v === 'invalid') return 'invalid';
    if (v === 'fail') worst = 'fail';
  }
  return worst;
}

/** A scenario's verdict from its parts; `invalidated`: the runner found the run invalid beyond its phases (a target unreachable, a drain cycle that outlasted its phase). */
export function scenarioVerdict(s: Omit<ScenarioReport, 'verdict'>, invalidated = false): Verdict {
  const invalid = invalidated || s.configurations.some((c) => c.phases.some((p) => !p.validity.valid));
  const failed = s.thresholds.some((t) => !t.pass) || s.comparisons.some((c) => !c.pass);
  return judge({ certain: s.thresholds.some(certainFailure), invalid, failed });
}

/** Fill `verdict` and `exitCode` of a model from its scenarios and replay validity. */
export function withVerdict(m: Omit<ReportModel, 'verdict' | 'exitCode'>): ReportModel {
  const parts: Verdict[] = m.scenarios.map((s) => s.verdict);
  if (m.replay && !m.replay.summary.validity.valid) parts.push('invalid');
  const verdict = worstVerdict(parts);
  return { ...m, verdict, exitCode: exitCodeForVerdict(verdict) };
}
