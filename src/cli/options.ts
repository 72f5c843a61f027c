import { InputError } from '../errors.js';
import type { Argv } from 'yargs';
import { UnitError, named, parseDecimal, parseDuration, parseRate, parseShare, parseSize, parseWhole } from '../units/index.js';

/*
 * yargs definitions of the numeric flags: every duration, size, rate, percentage and count on the
 * command line is read here by the one unit grammar (src/units) and checked against its range, so a
 * bad value is an InputError naming the flag and what it holds (exit 2) before a command starts —
 * never NaN, Infinity, a negative count or a hang. Values reach `coerce` as the text typed (the CLI
 * turns yargs' number parsing off, which would read "0x10" as 16 and "NaN" as NaN); `nargs: 1` takes
 * a value that starts with "-" ("-5s") as the value instead of as flags. yargs applies `coerce` to
 * defaults too, so defaults are written as a user would type them.
 */

interface Common {
  describe?: string;
  default?: string | number;
  alias?: string;
}

interface Range {
  min?: number;
  max?: number;
  /** The value must be greater than `min`, not equal to it. */
  above?: boolean;
}

const isBare = (t: string): boolean => /^\d+(?:\.\d+)?$/.test(t.trim());
const noted = new Set<string>();

/** One note per flag and process, on stderr (stdout stays the command's output). */
function deprecated(name: string, text: string, write: string, readAs: string): void {
  if (noted.has(name)) return;
  noted.add(name);
  process.stderr.write(`shadowtap: note: --${name} ${text}: a bare number is read as ${readAs} (deprecated); write ${write}\n`);
}

/**
 * An old spelling kept working but out of --help: a hidden option that hands its value to `now`
 * (yargs' own `alias` would list it beside the new name). `spec` reads the old value as `now` would.
 */
export function oldSpelling<T>(y: Argv<T>, old: string, now: string, spec: object = { type: 'string' }): Argv<T> {
  return y.option(old, { ...spec, hidden: true }).middleware((argv) => {
    const a = argv as Record<string, unknown>;
    if (a[old] !== undefined) a[now] = a[old];
  }, true);
}

function flag<T, O extends Common>(o: O, parse: (v: string) => T) {
  const { describe, ...rest } = o;
  return {
    nargs: 1,
    requiresArg: true,
    ...(describe !== undefined ? { describe } : {}),
    ...rest,
    // A repeated flag is its last value by now: the CLI's entry makes it so for every flag (yargs-cli.ts asGiven).
    coerce: (v: unknown): T => parse(String(v)),
  };
}

function rangeText(r: Range, shown: (n: number) => string): string {
  const low = r.min === undefined ? undefined : r.above ? `above ${shown(r.min)}` : `${shown(r.min)}`;
  if (r.max === undefined) return low === undefined ? '' : r.above ? ` ${low}` : ` ≥ ${low}`;
  if (low === undefined) return ` ≤ ${shown(r.max)}`;
  return r.above ? ` ${low} and ≤ ${shown(r.max)}` : ` from ${low} to ${shown(r.max)}`;
}

/**
 * `parse` reads the text (its UnitError says what was expected, e.g. a duration's examples); then the
 * value must be in range. `plain`: a parse error says only "expected <what> <range>".
 */
function checked(name: string, text: string, parse: (v: string) => number, r: Range, what: string, o: { plain?: boolean; shown?: (n: number) => string } = {}): number {
  const expected = `--${name} ${text}: expected ${what}${rangeText(r, o.shown ?? String)}`;
  let value: number;
  try {
    value = parse(text);
  } catch (err) {
    if (!(err instanceof UnitError)) throw err;
    throw new InputError(o.plain ? expected : `--${name} ${text}: ${err.message}`);
  }
  const lowOk = r.min === undefined || (r.above ? value > r.min : value >= r.min);
  if (lowOk && (r.max === undefined || value <= r.max)) return value;
  throw new InputError(expected);
}

/** A number flag in the range `o` gives (min defaults to 0; `above` to `aboveByDefault`). */
function rangeFlag<O extends Common>(name: string, o: O & Range, what: string, parse: (v: string) => number, shown: { plain?: boolean; shown?: (n: number) => string } = {}, aboveByDefault?: boolean) {
  const { min = 0, max, above = aboveByDefault, ...common } = o;
  return flag(common, (v) => checked(name, v, parse, { min, max, above }, what, shown));
}

/** A whole number in [min, max] (min defaults to 0). */
export function wholeFlag<O extends Common>(name: string, o: O & Range) {
  return rangeFlag(name, o, 'a whole number', parseWhole, { plain: true });
}

/** A decimal number ≥ 0 (or in the range given). */
export function decimalFlag<O extends Common>(name: string, o: O & Range) {
  return rangeFlag(name, o, 'a number', parseDecimal, { plain: true });
}

/**
 * A duration → milliseconds. Every time flag takes a unit (30s, 250ms); a bare number keeps the
 * meaning it had (`bare`: seconds unless said otherwise) and prints a deprecation note naming the
 * flag, so old scripts still run and say what to write instead. `bareNote: false` where the flag's
 * name says the unit (`--render-ms`).
 */
export function durationFlag<O extends Common>(name: string, o: O & Range & { bare?: 's' | 'ms'; bareNote?: boolean }) {
  const { bare = 's', bareNote = true, ...rest } = o;
  const ms = (n: number): string => (n >= 1000 ? `${n / 1000}s` : `${n}ms`);
  return rangeFlag(name, rest, 'a duration', (t) => {
    if (bareNote && isBare(t)) deprecated(name, t, `${t}${bare}`, bare === 's' ? 'seconds' : 'milliseconds');
    return parseDuration(t, { bare });
  }, { shown: ms });
}

/** A gate limit in time: a duration (a bare number is ms, deprecated) or "off" (no gate: Infinity). */
export function limitDurationFlag<O extends Common>(name: string, o: O) {
  const d = durationFlag(name, { ...o, bare: 'ms' });
  return { ...d, coerce: (v: unknown): number => (String(v) === 'off' ? Infinity : d.coerce(v)) };
}

/** A gate limit as a share: "1%" (a bare number is a fraction 0..1, deprecated) or "off" → 0..1 or Infinity. */
export function limitShareFlag<O extends Common>(name: string, o: O) {
  return flag(o, (v) => {
    if (v === 'off') return Infinity;
    if (isBare(v)) deprecated(name, v, `${+(Number(v) * 100).toFixed(6)}%`, 'a fraction');
    return named(`--${name}`, v, (t) => parseShare(t, { bare: 'fraction' }));
  });
}

/** A size → bytes: 512, 64KiB, 1MiB (1024-based), 1MB (1000-based). */
export function sizeFlag<O extends Common>(name: string, o: O & Range) {
  return rangeFlag(name, o, 'a size in bytes', parseSize);
}

/** A rate → per second: 100, 100/s, 6000/min; above 0. */
export function rateFlag<O extends Common>(name: string, o: O & Range) {
  return rangeFlag(name, o, 'a rate', parseRate, {}, true);
}

/** A percentage → 0..100: "10%", "0.5%" (a bare "10" is 10 %, deprecated); above 0. */
export function percentFlag<O extends Common>(name: string, o: O) {
  return flag(o, (v) => {
    if (isBare(v)) deprecated(name, v, `${v}%`, 'a percentage');
    return checked(name, v, (t) => parseShare(t, { bare: 'percent' }) * 100, { min: 0, above: true, max: 100 }, 'a percentage', { shown: (n) => `${n}%` });
  });
}

/** A repeatable TCP port (1-65535). */
export function portsFlag<O extends Omit<Common, 'default'> & { default: number[] }>(name: string, o: O) {
  return { array: true as const, ...o, coerce: (v: unknown): number[] => (Array.isArray(v) ? v : [v]).map((p) => checked(name, String(p), parseWhole, { min: 1, max: 65535 }, 'a TCP port', { plain: true })) };
}

/** `--ramp FROM:TO:DURATION`: rates (req/s, or 10/s, 600/min) and how long the ramp takes. */
export function rampFlag<O extends Common>(name: string, o: O) {
  return flag(o, (v) => {
    const parts = v.split(':');
    const usage = `--${name} ${v}: expected FROM:TO:DURATION (rates in req/s), e.g. 10:500:60s`;
    if (parts.length !== 3) throw new InputError(usage);
    const [from, to] = parts.slice(0, 2).map((r) => named(usage, r, parseRate)) as [number, number];
    if (from + to <= 0) throw new InputError(`${usage}: one of the rates must be above 0`);
    const durationMs = named(usage, parts[2]!, (t) => parseDuration(t, { bare: 's' }));
    if (!(durationMs > 0)) throw new InputError(`${usage}: the duration must be above 0`);
    return { from, to, durationMs };
  });
}

/** `--loop N|forever` → a whole number ≥ 1, or Infinity. */
export function loopFlag<O extends Common>(name: string, o: O) {
  return flag(o, (v) => (v === 'forever' || v === 'inf' ? Infinity : checked(name, v, parseWhole, { min: 1 }, 'a whole number (or "forever")', { plain: true })));
}

/**
 * A file or directory the command writes beside what it prints: `-` is refused, as stdout already
 * carries the command's report (replay's and run's `--json` print the summary there). Without this,
 * `--summary -` wrote a file named "-".
 */
export function outputFileFlag<const O extends Common & { demandOption?: boolean }>(name: string, o: O) {
  return {
    type: 'string' as const,
    ...flag(o, (t) => {
      if (t === '-') throw new InputError(`--${name} -: give a path (stdout carries the command's own report)`);
      return t;
    }),
  };
}
