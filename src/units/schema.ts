import { z } from 'zod';
import { DURATION_HINT, PATTERN, UnitError, parseDuration, parseRate, parseShare, parseSize } from './parse.js';

/**
 * The unit grammar as zod fields for the YAML files (scenarios.yaml, agent.yaml, the AWS steps): the
 * regex goes into the JSON Schema for editors, and the parser itself decides (so a file and a flag
 * accept exactly the same spellings). zod reports the field and the YAML source its line.
 */

/** An issue message that quotes the value (the YAML source adds the field and its line). */
function got(message: string) {
  return (iss: { input?: unknown }): string => `${message} (got ${shown(iss.input)})`;
}

/** The value as written: YAML's .inf and .nan are numbers JSON has no spelling for (it would say null). */
const shown = (v: unknown): string => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v));

/** Runs `parse` as a check; its UnitError message becomes the field's issue. */
function parsedBy<T extends z.ZodType>(schema: T, parse: (v: z.output<T>) => unknown): T {
  return schema.superRefine((v, ctx) => {
    try {
      parse(v);
    } catch (err) {
      if (!(err instanceof UnitError)) throw err;
      ctx.addIssue({ code: 'custom', message: got(err.message)({ input: v }) });
    }
  }) as unknown as T;
}

/**
 * YAML reads `60` as a number, which zod would report only as "expected string": the person meant a
 * duration and left out its unit, so say that, with the spelling to write.
 */
function durationIssue(iss: { input?: unknown }): string {
  const text = typeof iss.input === 'number' || typeof iss.input === 'string' ? String(iss.input).trim() : '';
  if (text !== '' && Number.isFinite(Number(text))) return `${DURATION_HINT}: a duration needs a unit, write ${text}s (or ${text}ms, ${text}m) (got ${shown(iss.input)})`;
  return got(DURATION_HINT)(iss);
}

/**
 * "500ms", "20s", "2h", "1h30m", "500us" (kept as written; `durationMs` reads it); `min` (ms) is the
 * shortest allowed, with `why` saying what a shorter one would break, and `above: 0` refuses zero.
 */
export function duration(o: { min?: number; above?: number; why?: string } = {}) {
  const shape = z.string({ error: durationIssue }).regex(new RegExp(PATTERN.duration), { error: durationIssue, abort: true });
  return parsedBy(shape, (v) => {
    const ms = parseDuration(v);
    if (o.min !== undefined && ms < o.min) throw new UnitError(`expected at least ${o.min}ms${o.why ? `: ${o.why}` : ''}`);
    if (o.above !== undefined && ms <= o.above) throw new UnitError(`expected a duration above ${o.above}ms${o.why ? `: ${o.why}` : ''}`);
  }).describe(DURATION_HINT.replace('expected ', ''));
}

/** A duration read as milliseconds at once (agent.yaml). */
export function durationInMs() {
  return duration().transform((v) => parseDuration(v));
}

/** Milliseconds as a number, or a duration (kept as written; `latencyMs` reads it). */
export function latency() {
  const error = 'expected a latency: a number of milliseconds or a duration such as 300ms or 1.5s';
  return z.union([z.number({ error: got(error) }).nonnegative({ error: got(error) }), duration()], { error: got(error) }).describe('milliseconds, or a duration such as 300ms');
}

/** Bytes as a whole number, or "64KiB", "1MiB" (1024-based), "1MB" (1000-based) → bytes. */
export function size(o: { min?: number } = {}) {
  const min = o.min ?? 0;
  const error = `expected a size: a whole number of bytes${min ? ` ≥ ${min}` : ''} or a size such as 64KiB, 1MiB or 1MB`;
  return z
    .union([z.number({ error: got(error) }).int({ error: got(error) }).min(min, { error: got(error) }), z.string().regex(new RegExp(PATTERN.size), { error: got(error) })], { error: got(error) })
    .transform((v) => parseSize(v))
    .refine((v) => v >= min, { error: got(error) })
    .describe('bytes, or a size such as 64KiB, 1MiB (1024-based) or 1MB (1000-based)');
}

/** Requests per second, or "100/s", "6000/min" → per second (> 0 unless `zero`). */
export function rate(o: { zero?: boolean } = {}) {
  const error = `expected a rate${o.zero ? '' : ' above 0'}: requests per second, or such as 100/s or 6000/min`;
  const num = o.zero ? z.number({ error: got(error) }).nonnegative({ error: got(error) }) : z.number({ error: got(error) }).positive({ error: got(error) });
  return z
    .union([num, z.string().regex(new RegExp(PATTERN.rate), { error: got(error) })], { error: got(error) })
    .transform((v, ctx) => {
      // The parser's bound (MAX_RATE) as the field's issue, reached only by a value of the right shape.
      try {
        return parseRate(v);
      } catch (err) {
        if (!(err instanceof UnitError)) throw err;
        ctx.addIssue({ code: 'custom', message: got(err.message)({ input: v }) });
        return z.NEVER;
      }
    })
    .refine((v) => (o.zero ? v >= 0 : v > 0), { error: got(error) })
    .describe('requests/s, or a rate such as 100/s or 6000/min');
}

/** "95%", "0.5%" as written (at most 100%); the branch `fraction` and `rateOrShare` share. */
function percent() {
  return parsedBy(z.string().regex(new RegExp(PATTERN.percent), { abort: true }), (v) => parseShare(v, { bare: 'fraction' }));
}

/** A fraction 0..1, or a percentage such as "1%" (kept as written; `fraction` reads it). */
export function fraction() {
  const error = 'expected a fraction between 0 and 1 or a percentage such as 1%';
  return z.union([z.number({ error: got(error) }).min(0, { error: got(error) }).max(1, { error: got(error) }), percent()], { error: got(error) }).describe('a fraction 0..1 or a percentage such as 1%');
}

/** A rate, or a percentage of the offered rate (kept as written; `rateOrShare` reads it). */
export function rateOrShare() {
  const error = 'expected requests per second (such as 100 or 6000/min), or a percentage of the offered rate such as 95%';
  return z
    .union([z.number({ error: got(error) }).nonnegative({ error: got(error) }), z.string().regex(new RegExp(PATTERN.rate)), percent()], { error: got(error) })
    .describe('requests/s (or such as 6000/min), or a percentage of the offered rate such as 95%');
}
