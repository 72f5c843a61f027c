import { named, parseDuration, parseShare } from '../../units/parse.js';

/** Gate limits from the command line: the one unit grammar (src/units), or "off" (no gate: Infinity). */

/** "10" (a bare number is ms), "10ms", "0.5s" or "off" → milliseconds. */
export function limitMs(v: string | number, flag: string): number {
  return limit(v, flag, (t) => parseDuration(t, { bare: 'ms' }));
}

/** "1%", "0.01" (a bare number is a fraction) or "off" → a fraction 0..1. */
export function limitFraction(v: string | number, flag: string): number {
  return limit(v, flag, (t) => parseShare(t, { bare: 'fraction' }));
}

function limit(v: string | number, flag: string, parse: (text: string | number) => number): number {
  const s = String(v).trim();
  return s === 'off' ? Infinity : named(flag, s, parse);
}
