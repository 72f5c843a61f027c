import type { FieldDifference, ObservedResponse } from '../types.js';
import type { PluginContext, ShadowtapPlugin } from './plugin-types.js';
import { pathMatcher } from '../compare/json-diff.js';

/**
 * Plugins' `compare` hooks after the built-in field comparison: their ignore rules take fields out
 * ("body:$.ts", "$.ts", "header:etag", a field's name), a verdict 'same' clears the pair, 'different'
 * adds a `plugin` field when nothing else differs.
 */
export function compareWithPlugins(
  plugins: readonly ShadowtapPlugin[],
  expected: ObservedResponse,
  actual: ObservedResponse,
  diffs: FieldDifference[],
  ctx: PluginContext,
  guard: (f: () => unknown) => unknown,
): FieldDifference[] {
  let out = diffs;
  for (const pl of plugins) {
    if (!pl.compare) continue;
    const d = guard(() => pl.compare!(expected, actual, ctx)) as ReturnType<NonNullable<ShadowtapPlugin['compare']>>;
    if (!d) continue;
    if (d.ignore?.length) {
      const paths = pathMatcher(d.ignore.filter((s) => s.startsWith('$')));
      const names = new Set(d.ignore);
      out = out.filter((f) => !names.has(f.field) && !(f.field.startsWith('body:') && paths(f.field.slice(5))));
    }
    if (d.verdict === 'same') out = [];
    else if (d.verdict === 'different' && !out.length) out = [{ field: 'plugin', expected: '', actual: d.reason ?? 'a plugin found the responses different' }];
  }
  return out;
}
