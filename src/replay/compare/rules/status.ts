import type { CompareRule } from './rule.js';

/** The status codes. */
export const statusRule: CompareRule = {
  name: 'status',
  diff({ expected, actual }, _rules, out) {
    if (expected.status !== actual.status) out.push({ field: 'status', expected: String(expected.status), actual: String(actual.status) });
  },
};
