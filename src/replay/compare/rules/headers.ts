import { headerValueOf } from '../../../exchange.js';
import type { CompareRule } from './rule.js';

/** The selected response headers (`--compare-header`, default content-type), by value; an absent one is "(absent)". */
export const headersRule: CompareRule = {
  name: 'headers',
  diff({ expected, actual }, rules, out) {
    for (const name of rules.headers) {
      const a = headerValueOf(expected.headers, name);
      const b = headerValueOf(actual.headers, name);
      if (a !== b) out.push({ field: `header:${name}`, expected: a ?? '(absent)', actual: b ?? '(absent)' });
    }
  },
};
