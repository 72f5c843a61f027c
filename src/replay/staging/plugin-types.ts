/** The plugin contract: defined once in types/plugin.d.ts (what `shadowtap/plugin` exports), used by the replay here. */
import type { ShadowtapPlugin } from 'shadowtap/plugin';

export type { CompareDecision, PluginContext, PluginHeader, PluginRequest, PluginResponse, ShadowtapPlugin } from 'shadowtap/plugin';

/** Identity helper that gives a plugin module its types: `export default definePlugin({ … })`. */
export function definePlugin(p: ShadowtapPlugin): ShadowtapPlugin {
  return p;
}
