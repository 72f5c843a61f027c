import type { FieldDifference, ObservedResponse } from '../types.js';
import { COMPARE_RULES, ResponsePair } from './rules/index.js';
import type { CompiledRules } from './rules.js';

/**
 * Differences between a reference response and a compared one: each rule of `rules/` in turn
 * (status, selected headers, body: JSON field by field, anything else byte for byte, after
 * Content-Encoding is undone), then the fields left out, then the plugins' compare hooks.
 */
export function diffResponses(expected: ObservedResponse, actual: ObservedResponse, rules: CompiledRules): FieldDifference[] {
  const out: FieldDifference[] = [];
  const pair = new ResponsePair(expected, actual);
  for (const rule of COMPARE_RULES) rule.diff(pair, rules, out);
  const kept = out.length === 0 ? out : out.filter((d) => !rules.ignored(d.field));
  return rules.custom ? rules.custom(expected, actual, kept) : kept;
}
