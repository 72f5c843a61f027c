import { headersRule } from './headers.js';
import { jsonBodyRule } from './json-body.js';
import type { CompareRule } from './rule.js';
import { statusRule } from './status.js';
import { textBodyRule } from './text-body.js';

export type { CompareRule } from './rule.js';
export { ResponsePair } from './rule.js';

/**
 * Every comparison rule, in the order they run. A new rule is one file in this folder and one entry
 * here; a body rule goes before `textBodyRule`, which takes any body no earlier rule claimed.
 */
export const COMPARE_RULES: readonly CompareRule[] = [statusRule, headersRule, jsonBodyRule, textBodyRule];
