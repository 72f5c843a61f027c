import { InputError } from '../errors.js';

/** Gate limits from the command line: a number, a unit, or "off" (no gate: Infinity). */

/** "10" (ms), "10ms", "0.5s" or "off" → milliseconds. */
export function limitMs(v: string | number, flag: string): number {
  const s = String(v).trim();
  if (s === 'off') return Infinity;
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(s);
  if (!m) throw new InputError(`${flag} ${s}: expected milliseconds (10, 10ms, 0.5s) or "off"`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

/** "1%", "0.01" or "off" → a fraction 0..1. */
export function limitFraction(v: string | number, flag: string): number {
  const s = String(v).trim();
  if (s === 'off') return Infinity;
  const m = /^(\d+(?:\.\d+)?)(%)?$/.exec(s);
  const f = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
  if (!(f >= 0 && f <= 1)) throw new InputError(`${flag} ${s}: expected a share like 1% or 0.01 (0..100 %), or "off"`);
  return f;
}
