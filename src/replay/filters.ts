import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';
import { seededRandom } from './schedule/times.js';

export interface FilterOptions {
  /** Only these methods (any case). */
  methods?: string[];
  /** Leave out writes (POST, PUT, PATCH, DELETE)… */
  noWrites?: boolean;
  /** …except these ("METHOD", "regex" on path+query, or "METHOD regex"). */
  allowWrites?: string[];
  /** Path+query must match one of these (when any)… */
  allow?: string[];
  /** …and none of these. */
  deny?: string[];
  /** "Name: regex" — the request must carry a header Name whose value matches. */
  headerMatch?: string[];
  /** Keep this percentage of exchanges (0–100), chosen by a seeded generator so runs repeat. */
  samplePercent?: number;
  seed?: number;
  /** Leave out requests whose body is larger than this many bytes. */
  maxBodyBytes?: number;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function regexOf(src: string, flag: string): RegExp {
  try {
    return new RegExp(src);
  } catch (err) {
    throw new InputError(`${flag} ${src}: not a valid regular expression: ${(err as Error).message}`);
  }
}

/**
 * Which writes may go out: none, or those an allow rule names ("POST", "^/login$", "POST ^/login$").
 * The one rule for `--no-writes --allow-write` and for a staging target's `writes:`.
 */
export function writePolicy(allow: readonly string[], flag: string): (method: string, target: string) => boolean {
  const rules = allow.map((s) => {
    const m = /^([A-Za-z]+)(?:\s+(.+))?$/.exec(s.trim());
    if (m && (m[2] !== undefined || WRITES.has(m[1]!.toUpperCase()))) return { method: m[1]!.toUpperCase(), re: m[2] === undefined ? undefined : regexOf(m[2], flag) };
    return { method: undefined, re: regexOf(s.trim(), flag) };
  });
  return (method, target) => {
    const up = method.toUpperCase();
    if (!WRITES.has(up)) return true;
    return rules.some((r) => (r.method === undefined || r.method === up) && (r.re === undefined || r.re.test(target)));
  };
}

/** Builds the predicate deciding which exchanges are replayed; `counts.filtered` counts the rest. */
export function exchangeFilter(o: FilterOptions, counts: { filtered: number } = { filtered: 0 }): ((ex: Exchange) => boolean) | undefined {
  const methods = o.methods?.length ? new Set(o.methods.map((m) => m.toUpperCase())) : undefined;
  const allow = (o.allow ?? []).map((s) => regexOf(s, '--allow'));
  const deny = (o.deny ?? []).map((s) => regexOf(s, '--deny'));
  const headers = (o.headerMatch ?? []).map((s) => {
    const i = s.indexOf(':');
    if (i <= 0) throw new InputError(`--header-match ${s}: expected "Name: regex"`);
    return { name: s.slice(0, i).trim().toLowerCase(), re: regexOf(s.slice(i + 1).trim(), '--header-match') };
  });
  const sample = o.samplePercent;
  if (sample !== undefined && !(sample >= 0 && sample <= 100)) throw new InputError(`--sample ${sample}: expected a percentage 0–100`);
  const writeOk = o.noWrites ? writePolicy(o.allowWrites ?? [], '--allow-write') : undefined;
  const rnd = seededRandom(o.seed ?? 1);
  const any = methods || o.noWrites || allow.length || deny.length || headers.length || sample !== undefined || o.maxBodyBytes !== undefined;
  if (!any) return undefined;
  const keep = (ex: Exchange): boolean => {
    const { method, target, headers: hs, body } = ex.request;
    if (methods && !methods.has(method.toUpperCase())) return false;
    if (writeOk && !writeOk(method, target)) return false;
    if (allow.length && !allow.some((re) => re.test(target))) return false;
    if (deny.some((re) => re.test(target))) return false;
    for (const h of headers) if (!hs.some((x) => x.name.toLowerCase() === h.name && h.re.test(x.value))) return false;
    if (o.maxBodyBytes !== undefined && body && body.size > o.maxBodyBytes) return false;
    if (sample !== undefined && rnd() * 100 >= sample) return false;
    return true;
  };
  return (ex) => keep(ex) || (counts.filtered++, false);
}
