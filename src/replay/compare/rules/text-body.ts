import type { CompareRule } from './rule.js';

const MAX_SHOWN = 200;

/** Any other body, byte for byte: one "body" difference showing the start of each. */
export const textBodyRule: CompareRule = {
  name: 'body',
  diff(pair, _rules, out) {
    const bodies = pair.unclaimedBodyDifference();
    if (!bodies) return;
    pair.bodyClaimed = true;
    out.push({ field: 'body', expected: preview(bodies[0]), actual: preview(bodies[1]) });
  },
};

function preview(buf: Buffer): string {
  const s = buf.subarray(0, MAX_SHOWN).toString('utf8');
  return buf.length > MAX_SHOWN ? `${s}… (${buf.length} bytes)` : s;
}
