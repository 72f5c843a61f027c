import type { FieldDifference, ObservedResponse } from '../types.js';
import { headerValueOf } from '../../exchange.js';
import { decodedBody } from './decode.js';
import { diffJson } from './json-diff.js';
import { parseJsonExact } from './json-number.js';
import type { CompiledRules } from './rules.js';

const MAX_SHOWN = 200;

/**
 * Differences between a reference response and a compared one: status, selected headers, body.
 * Bodies are decoded (gzip/br/deflate) first; JSON bodies are compared field by field, anything
 * else byte for byte.
 */
export function diffResponses(expected: ObservedResponse, actual: ObservedResponse, rules: CompiledRules): FieldDifference[] {
  const out: FieldDifference[] = [];
  if (expected.status !== actual.status) out.push({ field: 'status', expected: String(expected.status), actual: String(actual.status) });
  for (const name of rules.headers) {
    const a = headerValueOf(expected.headers, name);
    const b = headerValueOf(actual.headers, name);
    if (a !== b) out.push({ field: `header:${name}`, expected: a ?? '(absent)', actual: b ?? '(absent)' });
  }
  const x = decodedBody(expected.headers, expected.body);
  const y = decodedBody(actual.headers, actual.body);
  if (!x.equals(y)) {
    const jx = parseJson(x);
    const jy = parseJson(y);
    if (jx.ok && jy.ok) diffJson(jx.value, jy.value, { ignoreArrayOrder: rules.ignoreArrayOrder, ignored: rules.ignoredPath }, '$', out);
    else out.push({ field: 'body', expected: preview(x), actual: preview(y) });
  }
  const kept = out.length === 0 ? out : out.filter((d) => !rules.ignored(d.field));
  return rules.custom ? rules.custom(expected, actual, kept) : kept;
}

function parseJson(buf: Buffer): { ok: true; value: unknown } | { ok: false } {
  const c = buf[0];
  // Only documents that look like JSON objects/arrays are parsed: a bare number or string body is text.
  if (c !== 0x7b && c !== 0x5b && !/^\s*[[{]/.test(buf.subarray(0, 16).toString('latin1'))) return { ok: false };
  try {
    return { ok: true, value: parseJsonExact(buf.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

function preview(buf: Buffer): string {
  const s = buf.subarray(0, MAX_SHOWN).toString('utf8');
  return buf.length > MAX_SHOWN ? `${s}… (${buf.length} bytes)` : s;
}
