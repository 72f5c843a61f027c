import type { ComparisonResult, ThresholdResult, Unit } from './model.js';
import { ms, num, pct } from '../units/format.js';

export { axisValue, ms, num, pct, tick, type AxisKind } from '../units/format.js';

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

/** A signed difference ("+12.3 ms", "−4 %"): comparisons read better with the sign always shown; null → "—". */
export function signed(v: number | null, unit: Unit): string {
  if (v === null) return '—';
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

/**
 * ", within the 5 % minimum effect", to append, for an interval clear of zero that still gets no
 * verdict, else "": a real difference too small to call, which a bare "no-significant-difference"
 * beside an interval such as [0.107, 0.669] would seem to contradict.
 */
export function withinMinEffect(c: Pick<ComparisonResult, 'verdict' | 'minEffect' | 'ci'>): string {
  const { low, high } = c.ci;
  if (c.verdict !== 'no-significant-difference' || c.minEffect === undefined || low === null || high === null || !(low > 0 || high < 0)) return '';
  return `, within the ${Math.round(c.minEffect * 1000) / 10} % minimum effect`;
}
