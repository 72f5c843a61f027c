import { InputError } from '../errors.js';

/** "500ms", "10s", "2m", "1h" or a bare number of seconds → milliseconds. */
export function parseDurationMs(v: string | number, flag: string): number {
  if (typeof v === 'number') return v * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new InputError(`${flag} ${v}: expected a duration like 500ms, 10s, 2m`);
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
}

/** "FROM:TO:DURATION" (req/s, req/s, duration) for --ramp. */
export function parseRamp(v: string): { from: number; to: number; durationMs: number } {
  const [from, to, dur] = v.split(':');
  const f = Number(from);
  const t = Number(to);
  if (dur === undefined || !Number.isFinite(f) || !Number.isFinite(t) || f < 0 || t < 0 || f + t <= 0) throw new InputError(`--ramp ${v}: expected FROM:TO:DURATION, e.g. 10:500:60s`);
  return { from: f, to: t, durationMs: parseDurationMs(dur, '--ramp') };
}

/** --loop N | forever */
export function parseLoop(v: string | number | undefined): number {
  if (v === undefined) return 1;
  if (v === 'forever' || v === 'inf') return Infinity;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--loop ${v}: expected a whole number ≥ 1 or "forever"`);
  return n;
}
