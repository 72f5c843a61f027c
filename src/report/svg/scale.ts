/** Axis arithmetic for the hand-written SVG charts. */

export interface Tick {
  value: number;
  label: string;
}

/** Round tick values (1, 2, 2.5, 5 × 10^k) covering [min, max] in about `count` steps. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks.at(-1) ?? first) < max) ticks.push(Number((first + ticks.length * step).toPrecision(12)));
  return ticks;
}

/** A linear map from the domain [d0, d1] onto the range [r0, r1]. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** SVG coordinates, kept short: two decimals is sub-pixel already. */
export function c(v: number): string {
  return String(Math.round(v * 100) / 100);
}
