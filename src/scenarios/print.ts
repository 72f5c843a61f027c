import { printable } from '../printable.js';
import { signed, withinMinEffect } from '../report/format.js';
import type { ReportModel } from '../report/model.js';

/**
 * The few lines a person reads at the end of `shadowtap run`: verdict, per scenario, and why. The
 * reasons quote what targets answered (smoke-test errors), so each line is made printable.
 */
export function summaryText(m: ReportModel): string {
  const lines = [`verdict: ${m.verdict.toUpperCase()} (exit ${m.exitCode})`];
  for (const s of m.scenarios) {
    lines.push(`  ${s.name}: ${s.verdict}`);
    for (const c of s.configurations) {
      const smoke = c.smoke ? ` smoke ${c.smoke.state}` : '';
      const knees = c.phases.filter((p) => p.knee).map((p) => ` knee ${p.knee!.kneeRate ?? '–'} req/s`).join('');
      if (smoke || knees) lines.push(`    ${c.name}:${smoke}${knees}`);
    }
    for (const k of s.comparisons) {
      // A comparison without a verdict says why instead of a difference it does not have.
      if (k.verdict === 'not-comparable' && k.message) lines.push(`    ${k.message}`);
      else lines.push(`    ${k.b.configuration} vs ${k.a.configuration} ${k.phase ?? ''} ${k.metric}: ${k.verdict} (Δ ${signed(k.difference, k.unit)}, ${Math.round(k.ci.level * 100)} % CI [${signed(k.ci.low, k.unit)}, ${signed(k.ci.high, k.unit)}]${withinMinEffect(k)})`);
    }
  }
  if (m.reasons.length) lines.push('why:', ...m.reasons.map((r) => `  - ${r}`));
  return `${lines.map((l) => printable(l, { oneLine: true })).join('\n')}\n`;
}
