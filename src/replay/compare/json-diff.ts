import type { FieldDifference } from '../types.js';
import { canonicalNumber, JsonNumber, stringifyExact } from './json-number.js';

export interface JsonDiffOptions {
  ignoreArrayOrder?: boolean;
  /** True for a field path ("$.a[0].b") to leave out. */
  ignored?: (path: string) => boolean;
}

const ABSENT = '(absent)';
const MAX_SHOWN = 200;

/** A short printable form of a JSON value for example pairs. */
export function show(v: unknown): string {
  if (v === undefined) return ABSENT;
  const s = stringifyExact(v) ?? 'undefined';
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

/** Structural differences between two JSON values, by field path (`$`, `$.a`, `$.list[2].id`). */
export function diffJson(a: unknown, b: unknown, o: JsonDiffOptions = {}, path = '$', out: FieldDifference[] = []): FieldDifference[] {
  if (o.ignored?.(path)) return out;
  if (Array.isArray(a) && Array.isArray(b)) {
    const [x, y] = o.ignoreArrayOrder ? [sortCanonical(a), sortCanonical(b)] : [a, b];
    for (let i = 0; i < Math.max(x.length, y.length); i++) diffJson(x[i], y[i], o, `${path}[${i}]`, out);
    return out;
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) diffJson(a[k], b[k], o, `${path}${/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}`, out);
    return out;
  }
  if (a === b || (a !== undefined && b !== undefined && canonical(a) === canonical(b))) return out;
  out.push({ field: `body:${path}`, expected: show(a), actual: show(b) });
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

/** JSON with object keys sorted and numbers by decimal value, so equal values have equal strings. */
export function canonical(v: unknown): string {
  if (typeof v === 'number' || v instanceof JsonNumber) return canonicalNumber(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

function sortCanonical(a: unknown[]): unknown[] {
  return a.map((v) => [canonical(v), v] as const).sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0)).map((p) => p[1]);
}

/** Path segments of `$.a[0]["x y"].b` → ["a", "0", "x y", "b"]; `*` and `[*]` stay "*". */
export function pathSegments(path: string): string[] {
  const segs: string[] = [];
  const re = /\.([^.[\]]+)|\[(\d+|\*)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  const body = path.startsWith('$') ? path.slice(1) : `.${path}`;
  for (const m of body.matchAll(re)) segs.push(m[1] ?? m[2] ?? (JSON.parse(m[3]!) as string));
  return segs;
}

/** Ignore patterns like `$.meta.ts`, `items[*].id`, `$.*.updatedAt`: a pattern also covers everything under it. */
export function pathMatcher(patterns: readonly string[]): (path: string) => boolean {
  const pats = patterns.map(pathSegments);
  if (!pats.length) return () => false;
  return (path) => {
    const segs = pathSegments(path);
    return pats.some((p) => p.length <= segs.length && p.every((s, i) => s === '*' || s === segs[i]));
  };
}
