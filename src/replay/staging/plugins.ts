import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../../errors.js';
import type { ShadowtapPlugin } from './plugin-types.js';

export type HookName = 'request' | 'response' | 'compare';

/** Time spent in hooks and how often they threw: the generator's own cost, shown with its validity. */
export interface HookFigures {
  calls: number;
  /** Total ms in hooks (synchronous part plus waiting for async request hooks). */
  ms: number;
  maxMs: number;
  errors: number;
}

/** Loads plugin modules (paths relative to `baseDir`); a missing module or one without hooks is bad input. */
export async function loadPlugins(paths: readonly string[], baseDir: string, where: string): Promise<ShadowtapPlugin[]> {
  return Promise.all(paths.map(async (p) => {
    const url = pathToFileURL(resolve(baseDir, p)).href;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(url)) as Record<string, unknown>;
    } catch (err) {
      throw new InputError(`${where}: plugin ${p}: ${(err as Error).message}`);
    }
    const plugin = (typeof mod.default === 'object' && mod.default ? mod.default : mod) as ShadowtapPlugin;
    if (!['request', 'response', 'compare'].some((k) => typeof (plugin as Record<string, unknown>)[k] === 'function')) throw new InputError(`${where}: plugin ${p}: exports none of request, response, compare`);
    return plugin;
  }));
}

/** Counts and times every hook call of a run. */
export class HookClock {
  readonly figures: HookFigures = { calls: 0, ms: 0, maxMs: 0, errors: 0 };

  add(ms: number): void {
    const f = this.figures;
    f.calls++;
    f.ms += ms;
    if (ms > f.maxMs) f.maxMs = ms;
  }
}
