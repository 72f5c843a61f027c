import { diffJson } from '../json-diff.js';
import { parseJsonExact } from '../json-number.js';
import type { CompareRule } from './rule.js';

/**
 * Bodies that are both JSON documents, field by field: numbers by decimal value (1.0 equals 1, and
 * digits beyond a double's precision still count), JSON paths and `--ignore-array-order` applied.
 */
export const jsonBodyRule: CompareRule = {
  name: 'json body',
  diff(pair, rules, out) {
    const bodies = pair.unclaimedBodyDifference();
    if (!bodies) return;
    const jx = parseJson(bodies[0]);
    const jy = jx.ok ? parseJson(bodies[1]) : jx;
    if (!jx.ok || !jy.ok) return;
    pair.bodyClaimed = true;
    diffJson(jx.value, jy.value, { ignoreArrayOrder: rules.ignoreArrayOrder, ignored: rules.ignoredPath }, '$', out);
  },
};

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
