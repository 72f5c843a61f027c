/** Values a person typed with a unit, as numbers. The schema has already checked their shape. */

const DURATION = /^(\d+(?:\.\d+)?)(us|ms|s|m)$/;
const TO_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000 } as const;

/** "500ms", "20s", "2m" → milliseconds. */
export function durationMs(s: string): number {
  const m = DURATION.exec(s);
  if (!m) throw new RangeError(`not a duration: ${s}`);
  return Number(m[1]) * TO_MS[m[2] as keyof typeof TO_MS];
}

/** A number (ms) or a duration string → milliseconds. */
export function latencyMs(v: number | string): number {
  return typeof v === 'number' ? v : durationMs(v);
}

/** 0.01 or "1%" → 0.01. */
export function fraction(v: number | string): number {
  return typeof v === 'number' ? v : Number(v.slice(0, -1)) / 100;
}

/** 50 (req/s) or "95%" (of the offered rate). */
export type RateOrShare = { rate: number } | { share: number };

export function rateOrShare(v: number | string): RateOrShare {
  return typeof v === 'number' ? { rate: v } : { share: fraction(v) };
}
