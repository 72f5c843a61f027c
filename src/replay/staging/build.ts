import { resolve } from 'node:path';
import { InputError } from '../../errors.js';
import { writePolicy } from '../filters.js';
import type { StagingSource } from './config.js';
import { CredentialMap } from './credentials.js';
import { TokenProvider } from './oauth2.js';
import { loadPlugins } from './plugins.js';
import { secretFromFile, secretFromFlag } from './secret-ref.js';
import { SessionJars } from './sessions.js';
import { StagingStage } from './stage.js';
import type { TargetParts } from './target-stage.js';

/** What the command line adds to every target's staging. */
export interface StagingFlags {
  /** --credentials FILE: a map file `redacted:<hash>: value`. */
  credentials?: string;
  /** --credential "Header=env:NAME": the default for that header (a literal is refused). */
  credential?: string[];
  plugin?: string[];
}

/** The staging stage of a run: one part per target, from its staging source (if any) and the flags. */
export async function buildStaging(urls: readonly string[], sources: readonly (StagingSource | undefined)[], flags: StagingFlags): Promise<StagingStage> {
  const cwd = process.cwd();
  // config.ts drags zod and yaml: loaded only when a map file is read.
  const loadMapFile = async (path: string, where: string): Promise<Record<string, string>> => (await import('./config.js')).loadMapFile(path, where);
  const flagMap = flags.credentials ? await loadMapFile(resolve(flags.credentials), '--credentials') : {};
  const flagDefaults = (flags.credential ?? []).map((s) => {
    const i = s.indexOf('=');
    if (i <= 0) throw new InputError('--credential: expected "Header=env:NAME" or "Header=file:PATH"');
    return [s.slice(0, i).trim().toLowerCase(), secretFromFlag(s.slice(i + 1).trim(), `--credential ${s.slice(0, i).trim()}`)] as const;
  });
  const flagPlugins = await loadPlugins(flags.plugin ?? [], cwd, '--plugin');
  const parts = await Promise.all(urls.map(async (_, i): Promise<TargetParts> => {
    const src = sources[i];
    const c = src?.config ?? {};
    const base = src?.baseDir ?? cwd;
    const where = src?.where ?? 'staging';
    const fileMap = typeof c.credentials?.map === 'string' ? await loadMapFile(resolve(base, c.credentials.map), `${where}: credentials.map`) : (c.credentials?.map ?? {});
    const map = new Map<string, string>();
    for (const [k, v] of Object.entries({ ...flagMap, ...fileMap })) map.set(k, secretFromFile(v, `${where}: credentials.map.${k}`, base));
    const defaults = new Map<string, string>(flagDefaults);
    for (const [h, v] of Object.entries(c.credentials?.default ?? {})) defaults.set(h.toLowerCase(), secretFromFile(v, `${where}: credentials.default.${h}`, base));
    const o = c.oauth2;
    const sessions = c.sessions || c.extract?.length || map.size || defaults.size || o ? new SessionJars(c.sessions ?? {}, c.extract ?? []) : undefined;
    return {
      ...(map.size || defaults.size ? { credentials: new CredentialMap(map, defaults) } : {}),
      ...(o ? { tokens: { provider: new TokenProvider({
        tokenUrl: o.tokenUrl, grant: o.grant, refreshBeforeMs: o.refreshBeforeMs,
        ...(o.clientId !== undefined ? { clientId: o.clientId } : {}),
        ...(o.clientSecret ? { clientSecret: secretFromFile(o.clientSecret, `${where}: oauth2.clientSecret`, base) } : {}),
        ...(o.refreshToken ? { refreshToken: secretFromFile(o.refreshToken, `${where}: oauth2.refreshToken`, base) } : {}),
        ...(o.scope ? { scope: o.scope } : {}),
      }, where), header: o.header.toLowerCase(), all: o.all } } : {}),
      ...(sessions ? { sessions } : {}),
      ...(c.writes !== undefined ? { writeAllowed: writePolicy(c.writes === false ? [] : c.writes.allow, `${where}: writes.allow`) } : {}),
      plugins: [...flagPlugins, ...(await loadPlugins(c.plugins ?? [], base, `${where}: plugins`))],
    };
  }));
  return new StagingStage(urls, parts);
}
