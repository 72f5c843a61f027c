import { esc } from '../escape.js';
import { limitText, num, signed, withUnit } from '../format.js';
import type { ComparisonResult, ComparisonVerdict, ThresholdResult } from '../model.js';
import { badge, measure, passBadge, table, text, type Cell } from './table.js';

/** One configuration × phase × endpoint × threshold; `results` are its runs (repeat: N gives N). */
interface ThresholdGroup {
  first: ThresholdResult;
  results: ThresholdResult[];
}

function grouped(ts: ThresholdResult[]): ThresholdGroup[] {
  const groups = new Map<string, ThresholdGroup>();
  for (const t of ts) {
    const key = JSON.stringify([t.configuration, t.phase, t.endpoint, t.metric, t.op, t.limit, t.unit]);
    const g = groups.get(key);
    if (g) g.results.push(t);
    else groups.set(key, { first: t, results: [t] });
  }
  return [...groups.values()];
}

/** One run: its value. Several: the median, the range and the count, with every value in data-value. */
function actualCell(g: ThresholdGroup): Cell {
  const { first, results } = g;
  if (results.length === 1) return measure(first.actual, first.unit);
  const nums = results.map((t) => t.actual).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  const values = results.map((t) => t.actual);
  if (nums.length === 0) return { html: esc(values.map((v) => withUnit(v, first.unit)).join(', ')), value: values };
  const median = nums[Math.floor((nums.length - 1) / 2)]!;
  const range = `${withUnit(nums[0], first.unit)} – ${withUnit(nums.at(-1), first.unit)}`;
  return { html: `median ${esc(withUnit(median, first.unit))} <span class="muted">(${esc(range)}, ${esc(results.length)} runs)</span>`, value: values };
}

function resultCell(g: ThresholdGroup): Cell {
  const failed = g.results.filter((t) => !t.pass).length;
  if (g.results.length === 1 || failed === 0) return passBadge(failed === 0);
  return { html: badge(`${failed} of ${g.results.length} runs fail`, 'bad'), value: false };
}

/** Threshold outcomes, one row per configuration × threshold: a repeated phase's runs are summarised in the row. */
export function thresholdsTable(ts: ThresholdResult[]): string {
  const rows = grouped(ts).map((g): Cell[] => {
    const t = g.first;
    const notes = [...new Set(g.results.map((r) => r.message).filter(Boolean))];
    return [
      text(t.configuration ?? 'all'),
      text(t.phase ?? ''),
      { html: t.endpoint ? `<code>${esc(t.endpoint)}</code>` : '' },
      { html: `<code>${esc(t.metric)}</code>`, value: t.metric },
      { html: esc(limitText(t)), value: t.limit, cls: 'num' },
      actualCell(g),
      resultCell(g),
      text(notes.join('; ')),
    ];
  });
  return table('thresholds', ['Configuration', 'Phase', 'Endpoint', 'Metric', 'Limit', 'Actual', 'Result', 'Note'], rows);
}

const VERDICT_TONE: Record<ComparisonVerdict, 'good' | 'bad' | 'neutral'> = {
  better: 'good',
  worse: 'bad',
  'no-significant-difference': 'neutral',
  'not-comparable': 'bad',
};

export function verdictBadge(v: ComparisonVerdict): string {
  return badge(v.replace(/-/g, ' '), VERDICT_TONE[v]);
}

/** The interval drawn against zero: the reader sees at once whether it excludes no-difference. */
function intervalSvg(c: ComparisonResult): string {
  const { low, high } = c.ci;
  if (low === null || high === null || c.difference === null) return '';
  const lo = Math.min(low, 0, c.difference);
  const hi = Math.max(high, 0, c.difference);
  const span = hi - lo || 1;
  const x = (v: number): number => Math.round((8 + ((v - lo) / span) * 104) * 10) / 10;
  const tone = c.verdict === 'worse' ? '#D55E00' : c.verdict === 'better' ? '#009E73' : '#7f8c99';
  return `<svg class="ci" viewBox="0 0 120 16" width="120" height="16" aria-hidden="true"><line x1="${x(0)}" x2="${x(0)}" y1="1" y2="15" stroke="#999" stroke-dasharray="2 2"/>`
    + `<line x1="${x(low)}" x2="${x(high)}" y1="8" y2="8" stroke="${tone}" stroke-width="3"/><circle cx="${x(c.difference)}" cy="8" r="3.5" fill="${tone}"/></svg>`;
}

export function comparisonsTable(cs: ComparisonResult[]): string {
  const rows = cs.map((c): Cell[] => [
    { html: `<code>${esc(c.metric)}</code>`, value: c.metric },
    text(c.phase ?? ''),
    { html: `${esc(c.a.configuration)}: ${esc(withUnit(c.a.value, c.unit))}`, value: c.a.value, cls: 'num wrap' },
    { html: `${esc(c.b.configuration)}: ${esc(withUnit(c.b.value, c.unit))}`, value: c.b.value, cls: 'num wrap' },
    { html: `${esc(signed(c.difference, c.unit))}${c.relative !== undefined ? ` <span class="muted">(${esc(signed(c.relative * 100, 'count'))} %)</span>` : ''}`, value: c.difference, cls: 'num' },
    { html: `[${esc(signed(c.ci.low, c.unit))}, ${esc(signed(c.ci.high, c.unit))}] <span class="muted">${esc(num(c.ci.level * 100))} %</span> ${intervalSvg(c)}`, value: `${c.ci.low},${c.ci.high}`, cls: 'num' },
    { html: `${esc(c.a.runs.length)} × ${esc(c.b.runs.length)}`, value: c.a.runs.length },
    { html: verdictBadge(c.verdict), value: c.verdict },
    { ...text(c.limit ? `${c.limit.kind === 'ratio' ? 'B/A' : 'B − A'} ≤ ${withUnit(c.limit.max, c.limit.kind === 'ratio' ? 'ratio' : c.unit)}` : ''), cls: 'nowrap' },
    passBadge(c.pass),
  ]);
  return table('comparisons', ['Metric', 'Phase', 'A', 'B', 'Difference B − A', 'Confidence interval', 'Runs', 'Verdict', 'Limit', 'Result'], rows);
}
