import type { CredentialCounts } from './credentials.js';
import type { HookFigures, HookName } from './plugins.js';

/** What staging did to one target's requests: in `--summary` under `staging`, in the text summary and the report. */
export interface TargetStagingReport {
  url: string;
  credentials: CredentialCounts;
  /** Requests answered 401/403 while still carrying a recorded (redacted) secret: no staging credential for them. */
  lackingCredentials: { count: number; examples: { id: string; method: string; endpoint: string; status: number }[] };
  /** Token endpoint requests (not replayed traffic, not in results). */
  tokenRequests?: number;
  /** Requests sent again once after a 401 and a token refresh. */
  retriedAfter401: number;
  skipped: { writes: number; plugin: number };
  /** Plugin hooks that threw: the requests they mark. */
  hookErrors: { count: number; examples: { id: string; hook: HookName; message: string }[] };
}

export interface StagingReport {
  targets: TargetStagingReport[];
  /** Time in plugin hooks (the generator's own cost). */
  hooks: HookFigures;
}

/** Lines for the text summary; none when staging changed nothing and nothing failed for credentials. */
export function stagingLines(r: StagingReport): string[] {
  const out: string[] = [];
  for (const t of r.targets) {
    const c = t.credentials;
    const parts = [
      c.mapped || c.defaulted ? `credentials mapped ${c.mapped}, defaulted ${c.defaulted}` : '',
      t.tokenRequests !== undefined ? `token requests ${t.tokenRequests}` : '',
      t.retriedAfter401 ? `retried after 401: ${t.retriedAfter401}` : '',
      t.skipped.writes ? `writes skipped ${t.skipped.writes}` : '',
      t.skipped.plugin ? `skipped by plugin ${t.skipped.plugin}` : '',
      t.hookErrors.count ? `plugin hooks threw on ${t.hookErrors.count} requests (${t.hookErrors.examples.slice(0, 3).map((e) => `${e.id} ${e.hook}`).join(', ')})` : '',
    ].filter(Boolean);
    if (parts.length) out.push(`staging ${t.url}: ${parts.join('; ')}`);
    const l = t.lackingCredentials;
    if (l.count) out.push(`${t.url}: ${l.count} requests failed for lack of credentials (answered 401/403 carrying a recorded secret; give a credential map or default): ${l.examples.slice(0, 5).map((e) => `${e.method} ${e.endpoint} ${e.status} [${e.id}]`).join(', ')}${l.count > 5 ? ', …' : ''}`);
  }
  if (r.hooks.calls) out.push(`plugin hooks: ${r.hooks.calls} calls, ${Math.round(r.hooks.ms)} ms in total, slowest ${Math.round(r.hooks.maxMs * 10) / 10} ms, ${r.hooks.errors} threw`);
  return out;
}
