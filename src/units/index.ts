import { parseDuration, parseRate, parseShare } from './parse.js';

export { MAX_DURATION_MS, MAX_RATE, PATTERN, UnitError, named, parseDecimal, parseDuration, parseRate, parseShare, parseSize, parseWhole } from './parse.js';

/** A duration field of a YAML file ("500ms", "20s", "2h", "1h30m"; the schema has checked it) → ms. */
export function durationMs(v: string | number): number {
  return parseDuration(v);
}

/** A latency field: a number of milliseconds or a duration → ms. */
export function latencyMs(v: number | string): number {
  return parseDuration(v, { bare: 'ms' });
}

/** 0.01 or "1%" → 0.01. */
export function fraction(v: number | string): number {
  return parseShare(v, { bare: 'fraction' });
}

/** 50, "50/s", "3000/min" (req/s) or "95%" (of the offered rate). */
export type RateOrShare = { rate: number } | { share: number };

export function rateOrShare(v: number | string): RateOrShare {
  return typeof v === 'string' && v.trim().endsWith('%') ? { share: fraction(v) } : { rate: parseRate(v) };
}
