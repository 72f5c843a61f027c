import type { Unit } from './model.js';
import { num, pct } from '../units/format.js';

export { num, pct } from '../units/format.js';

/** Milliseconds with a unit; seconds past 10 s so long tails stay readable. */
export function ms(v: number): string {
  return Math.abs(v) >= 10_000 ? `${num(v / 1000)} s` : `${num(v)} ms`;
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

/** Short axis tick label (no unit). */
export function tick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${num(v / 1e6)}M`;
  if (a >= 1e4) return `${num(v / 1e3)}k`;
  return num(v);
}
