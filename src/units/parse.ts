import { InputError } from '../errors.js';

/**
 * The one grammar for values a person types with a unit — on the command line, in scenarios.yaml,
 * agent.yaml and the AWS steps. Every reader of a duration, size, rate or percentage calls these.
 * Numbers are plain decimals (no sign, no exponent): a negative duration or `NaN` is not a typo
 * to guess around. A bare number means the unit its flag or field documents (`bare`).
 */

/** The value (not the place) was wrong; callers say where with `named`. Exit 2 like any bad input. */
export class UnitError extends InputError {}

const NUM = String.raw`\d+(?:\.\d+)?`;
const DURATION_UNITS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001 } as const;
type DurationUnit = keyof typeof DURATION_UNITS;
const SIZE_UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
const RATE_UNITS: Record<string, number> = { s: 1, sec: 1, m: 1 / 60, min: 1 / 60, h: 1 / 3600 };

/** Regex sources, also written into the JSON Schema so that editors check the same grammar. */
export const PATTERN = {
  duration: `^(?:${NUM}(?:d|h|m|s|ms|us|µs))+$`,
  size: `^${NUM} ?(?:B|kB|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$`,
  rate: `^${NUM}(?: ?/ ?(?:s|sec|m|min|h))?$`,
  percent: `^${NUM}%$`,
} as const;

// Compiled once (the readers run per flag and per YAML field).
const BARE_NUMBER = new RegExp(`^${NUM}$`);
const DURATION = new RegExp(PATTERN.duration);
const DURATION_PART = new RegExp(`(${NUM})(d|h|ms|m|s|us|µs)`, 'g');
const SIZE = new RegExp(`^(${NUM}) ?([A-Za-z]*)$`);
const RATE = new RegExp(`^(${NUM})(?: ?/ ?([a-z]+))?$`);
const SHARE = new RegExp(`^(${NUM})(%?)$`);
const DECIMAL = new RegExp(`^(?:${NUM}|\\.\\d+)$`);

/** Node's timers cannot wait longer (2^31 − 1 ms, about 24.8 days); no duration here needs to. */
export const MAX_DURATION_MS = 2 ** 31 - 1;
export const DURATION_HINT = 'expected a duration such as 500ms, 30s, 2h, 1h30m or 500us';

/** "250ms", "30s", "2h", "1h30m", "500us" (or a bare number in the `bare` unit) → milliseconds. */
export function parseDuration(v: string | number, o: { bare?: 'ms' | 's' } = {}): number {
  const text = String(v).trim();
  const hint = `${DURATION_HINT}${o.bare ? ` (a bare number is ${o.bare === 's' ? 'seconds' : 'milliseconds'})` : ''}`;
  let ms: number;
  if (BARE_NUMBER.test(text)) {
    if (!o.bare) throw new UnitError(`${hint}: give a unit`);
    ms = Number(text) * DURATION_UNITS[o.bare];
  } else {
    if (!DURATION.test(text)) throw new UnitError(hint);
    ms = 0;
    let last = Infinity;
    for (const [, n, unit] of text.matchAll(DURATION_PART)) {
      const scale = DURATION_UNITS[unit as DurationUnit];
      if (scale >= last) throw new UnitError(`${hint}: units from the largest to the smallest, each once`);
      last = scale;
      ms += Number(n) * scale;
    }
  }
  if (ms > MAX_DURATION_MS) throw new UnitError(`longer than the longest duration supported (24d)`);
  return ms;
}

/** 512, "64KiB", "1MiB" (1024-based), "1MB" (1000-based), "100 MB" → whole bytes. */
export function parseSize(v: string | number): number {
  const m = SIZE.exec(String(v).trim());
  const scale = m ? (m[2] ? SIZE_UNITS[m[2]] : 1) : undefined;
  if (!m || scale === undefined) throw new UnitError('expected a size in bytes such as 512, 64KiB, 1MiB or 1MB (KiB/MiB/GiB are 1024-based, kB/MB/GB 1000-based)');
  const bytes = Math.round(Number(m[1]) * scale);
  if (!Number.isSafeInteger(bytes)) throw new UnitError('too large');
  return bytes;
}

/**
 * One generator process sends at most ~100k req/s and a phase spreads over at most 256 workers: a
 * higher rate cannot be kept, and one far beyond it only queues sends that will be skipped (a 2 s
 * phase at 10^8 req/s ran for 30 minutes skipping them). Flags and YAML share this bound.
 */
export const MAX_RATE = 1_000_000;

/** 100, "100/s", "6000/min", "90/h" → per second, at most MAX_RATE. */
export function parseRate(v: string | number): number {
  const m = RATE.exec(String(v).trim());
  const scale = m ? (m[2] ? RATE_UNITS[m[2]] : 1) : undefined;
  if (!m || scale === undefined) throw new UnitError('expected a rate such as 100, 100/s or 6000/min');
  const rate = Number(m[1]) * scale;
  if (rate > MAX_RATE) throw new UnitError(`above the highest rate supported (${MAX_RATE}/s)`);
  return rate;
}

/**
 * "95%", "0.5%" → a fraction (0.95, 0.005); a bare number is a fraction (0..1) or a percentage
 * (0..100) as `bare` says. At most 100 %.
 */
export function parseShare(v: string | number, o: { bare: 'fraction' | 'percent' }): number {
  const text = String(v).trim();
  const m = SHARE.exec(text);
  const hint = `expected a percentage such as 95% or 0.5%${o.bare === 'fraction' ? ', or a fraction from 0 to 1' : ''}`;
  if (!m) throw new UnitError(hint);
  const share = m[2] || o.bare === 'percent' ? Number(m[1]) / 100 : Number(m[1]);
  if (share > 1) throw new UnitError(`${hint}: at most 100%`);
  return share;
}

/** A whole number (no sign, no exponent: "1e3" and "-1" are typos here). */
export function parseWhole(v: string | number): number {
  const text = String(v).trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UnitError('expected a whole number');
  return Number(text);
}

/** A finite decimal ≥ 0 (no sign, no exponent, no NaN or Infinity). */
export function parseDecimal(v: string | number): number {
  const text = String(v).trim();
  if (!DECIMAL.test(text)) throw new UnitError('expected a number such as 1, 0.5 or 2.5');
  return Number(text);
}

/** Runs a parser on what `where` (a flag or field) holds; a bad value is an error naming both. */
export function named<T>(where: string, v: string | number, parse: (v: string | number) => T): T {
  try {
    return parse(v);
  } catch (err) {
    if (err instanceof UnitError) throw new InputError(`${where} ${String(v)}: ${err.message}`);
    throw err;
  }
}
