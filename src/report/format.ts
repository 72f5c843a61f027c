import type { ThresholdResult, Unit } from './model.js';

/**
 * Formatters. num, ms, tick and axisValue also run in the page (the chart script carries their
 * source, see html/chart-script.ts): keep them self-contained — no imports, only each other.
 */

/** A number shown to a person: three significant figures-ish, thousands separated. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const digits = a === 0 || a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** Milliseconds with a unit; seconds past 10 s so long tails stay readable. */
export function ms(v: number): string {
  return Math.abs(v) >= 10_000 ? `${num(v / 1000)} s` : `${num(v)} ms`;
}

/** Short axis tick label (no unit). */
export function tick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${num(v / 1e6)}M`;
  if (a >= 1e4) return `${num(v / 1e3)}k`;
  return num(v);
}

/** What a chart axis holds; the page formats hover values and ticks by it. */
export type AxisKind = 'sec' | 'rate' | 'ms' | 'perSec' | 'percent' | 'nines';

/** A chart value with its unit (hover legend, marker titles). `nines` is −log10(1 − p/100); 5 is the max. */
export function axisValue(kind: AxisKind, v: number): string {
  switch (kind) {
    case 'sec': return `${num(v)} s`;
    case 'rate': return `${num(v)} req/s`;
    case 'ms': return ms(v);
    case 'perSec': return `${num(v)}/s`;
    case 'percent': return `${num(v)} %`;
    // As many decimals as the nines need (p99.99, not p100), and no more.
    case 'nines': return v >= 5 ? 'max' : `p${Number((100 * (1 - 10 ** -v)).toFixed(Math.max(0, Math.ceil(v - 1e-9) - 2)))}`;
  }
}

export function pct(fraction: number): string {
  return `${num(fraction * 100)} %`;
}

/** Any model value with its unit; null → "—". */
export function withUnit(v: number | string | boolean | null | undefined, unit: Unit): string {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  switch (unit) {
    case 'ms': return ms(v);
    case 'req/s': return `${num(v)} req/s`;
    case 'percent': return pct(v);
    case 'ratio': return `×${num(v)}`;
    case 'bool': return v ? 'yes' : 'no';
    default: return num(v);
  }
}

/** A signed difference ("+12.3 ms", "−4 %"): comparisons read better with the sign always shown. */
export function signed(v: number, unit: Unit): string {
  const s = withUnit(Math.abs(v), unit);
  return v > 0 ? `+${s}` : v < 0 ? `−${s}` : s;
}

const OP: Record<ThresholdResult['op'], string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=' };

/** "≤ 5 ms": a threshold's limit as a person reads it. */
export function limitText(t: Pick<ThresholdResult, 'op' | 'limit' | 'unit'>): string {
  return `${OP[t.op]} ${withUnit(t.limit, t.unit)}`;
}

/** "p99 39.8 ms (limit ≤ 5 ms)": one threshold's outcome with units, for reasons and logs. */
export function thresholdOutcome(t: Pick<ThresholdResult, 'metric' | 'op' | 'limit' | 'unit' | 'actual'>): string {
  return `${t.metric} ${t.actual === null ? 'not measured' : withUnit(t.actual, t.unit)} (limit ${limitText(t)})`;
}
