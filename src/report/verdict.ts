import type { ReportModel, ScenarioReport, Verdict } from './model.js';

const EXIT: Record<Verdict, 0 | 1 | 3> = { pass: 0, fail: 1, invalid: 3 };

export function exitCodeForVerdict(v: Verdict): 0 | 1 | 3 {
  return EXIT[v];
}

/** invalid beats fail beats pass: an invalid run's numbers cannot say pass or fail. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'pass';
  for (const v of verdicts) {
    if (v === 'invalid') return 'invalid';
    if (v === 'fail') worst = 'fail';
  }
  return worst;
}

/** A scenario's verdict from its parts, for runners that do not decide it themselves. */
export function scenarioVerdict(s: Omit<ScenarioReport, 'verdict'>): Verdict {
  const invalid = s.configurations.some((c) => c.phases.some((p) => !p.validity.valid));
  if (invalid) return 'invalid';
  const failed = s.thresholds.some((t) => !t.pass) || s.comparisons.some((c) => !c.pass);
  return failed ? 'fail' : 'pass';
}

/** Fill `verdict` and `exitCode` of a model from its scenarios and replay validity. */
export function withVerdict(m: Omit<ReportModel, 'verdict' | 'exitCode'>): ReportModel {
  const parts: Verdict[] = m.scenarios.map((s) => s.verdict);
  if (m.replay && !m.replay.summary.validity.valid) parts.push('invalid');
  const verdict = worstVerdict(parts);
  return { ...m, verdict, exitCode: exitCodeForVerdict(verdict) };
}
