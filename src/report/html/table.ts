import { esc } from '../escape.js';
import { withUnit } from '../format.js';
import type { Unit } from '../model.js';

/** A table cell: already-escaped HTML, plus the raw value for numbers (data-value) so tests and scripts can read it. */
export interface Cell {
  html: string;
  value?: number | string | boolean | null | Array<number | string | boolean | null>;
  cls?: string;
}

export const text = (v: unknown): Cell => ({ html: esc(v) });
/** A short name (configuration, phase) that reads badly when wrapped. */
export const name = (v: unknown): Cell => ({ html: esc(v), cls: 'nowrap' });
export const code = (v: unknown): Cell => ({ html: `<code>${esc(v)}</code>` });

/** A measured number with its unit; the exact value rides along in data-value. */
export function measure(v: number | string | boolean | null | undefined, unit: Unit): Cell {
  return { html: esc(withUnit(v, unit)), value: v ?? null, cls: typeof v === 'number' ? 'num' : undefined };
}

export function badge(label: string, tone: 'good' | 'bad' | 'warn' | 'neutral'): string {
  return `<span class="badge ${tone}">${esc(label)}</span>`;
}

export function passBadge(pass: boolean): Cell {
  return { html: badge(pass ? 'pass' : 'fail', pass ? 'good' : 'bad'), value: pass };
}

/** `name` becomes data-table on the element, so tests find each table by what it is. */
export function table(name: string, headers: string[], rows: Cell[][], caption?: string): string {
  if (rows.length === 0) return '';
  const head = headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map(cellHtml).join('')}</tr>`).join('\n');
  const cap = caption ? `<caption>${esc(caption)}</caption>` : '';
  return `<div class="table-wrap"><table data-table="${esc(name)}">${cap}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function cellHtml(c: Cell): string {
  const cls = c.cls ? ` class="${esc(c.cls)}"` : '';
  const value = c.value === undefined ? '' : ` data-value="${esc(JSON.stringify(c.value))}"`;
  return `<td${cls}${value}>${c.html}</td>`;
}
