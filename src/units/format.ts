/** Numbers as a person reads them: the printing side of the units grammar (parse.ts reads them). */

/** A number shown to a person: three significant figures-ish, thousands separated. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const digits = a === 0 || a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** A fraction 0..1 as a percentage: 0.0123 → "1.23 %". */
export function pct(fraction: number): string {
  return `${num(fraction * 100)} %`;
}
