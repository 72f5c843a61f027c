import { performance } from 'node:perf_hooks';
import type { Header } from '../../exchange.js';
import type { ObservedResponse, RequestResult, ScheduledRequest } from '../types.js';
import { carriesRecordedSecret, type CredentialMap } from './credentials.js';
import type { TokenProvider } from './oauth2.js';
import type { SessionJars, Turn } from './sessions.js';
import type { HookClock, HookName } from './plugins.js';
import type { PluginContext, PluginRequest, ShadowtapPlugin } from './plugin-types.js';
import type { TargetStagingReport } from './report.js';
import type { KnownSecrets } from './known-secrets.js';
import { routeTemplate } from '../route-template.js';

const EXAMPLES = 20;

/** The parts of one target's staging: each optional. */
export interface TargetParts {
  credentials?: CredentialMap;
  tokens?: { provider: TokenProvider; header: string; all: boolean };
  sessions?: SessionJars;
  /** False for a write this target must not get. */
  writeAllowed?: (method: string, target: string) => boolean;
  plugins: ShadowtapPlugin[];
}

interface Meta {
  turn?: Turn;
  token?: string;
  retried?: boolean;
}

type Maybe<T> = T | Promise<T>;
const then = <T, U>(v: Maybe<T>, f: (t: T) => Maybe<U>): Maybe<U> => (v instanceof Promise ? v.then(f) : f(v));

/**
 * One target's request preparation (writes, session cookies and values, credential map, token,
 * plugin request hooks, in that order) and response observation (401 → one refresh and retry,
 * session cookies and values, plugin response hooks, requests refused for lack of credentials).
 */
export class TargetStage {
  readonly report: TargetStagingReport;
  private readonly meta = new WeakMap<ScheduledRequest, Meta>();
  private lastToken: string | undefined;
  private readonly bare: boolean;

  constructor(readonly index: number, url: string, private readonly p: TargetParts, private readonly clock: HookClock, private readonly secrets: KnownSecrets) {
    this.report = { url, credentials: { mapped: 0, defaulted: 0, unmapped: 0 }, lackingCredentials: { count: 0, examples: [] }, retriedAfter401: 0, skipped: { writes: 0, plugin: 0 }, hookErrors: { count: 0, examples: [] } };
    if (p.credentials) this.report.credentials = p.credentials.counts;
    this.bare = !p.credentials && !p.tokens && !p.sessions && !p.writeAllowed && !p.plugins.length;
  }

  prepare(req: ScheduledRequest): Maybe<ScheduledRequest | undefined> {
    // Nothing configured (every replay has the stage, for its diagnosis): no per-request state at all.
    if (this.bare) return req;
    if (this.p.writeAllowed && !this.p.writeAllowed(req.method, req.target)) return (this.report.skipped.writes++, undefined);
    const m: Meta = {};
    const turn = this.p.sessions ? (m.turn = this.p.sessions.turn(req)) : undefined;
    const prepared = turn?.after ? turn.after.then(() => this.prepareNow(req, m)) : this.prepareNow(req, m);
    const ended = (r: ScheduledRequest | undefined): ScheduledRequest | undefined => {
      if (r) this.meta.set(r, m);
      else turn?.done();
      return r;
    };
    if (!(prepared instanceof Promise)) return ended(prepared);
    return prepared.then(ended, (err: unknown) => {
      turn?.done();
      throw err;
    });
  }

  private prepareNow(req: ScheduledRequest, m: Meta): Maybe<ScheduledRequest | undefined> {
    let out = req;
    if (m.turn) out = this.p.sessions!.prepare(out, m.turn.session);
    if (this.p.credentials) out = this.p.credentials.apply(out);
    const withToken = this.withToken(out, m);
    return this.p.plugins.length ? then(withToken, (r) => this.requestHooks(r, m)) : withToken;
  }

  /** Every finished request; a promise of the request to send again (once) when a token was refused. */
  observe(req: ScheduledRequest, result: RequestResult, res: ObservedResponse | undefined): Promise<ScheduledRequest> | undefined {
    const m = this.bare ? undefined : this.meta.get(req);
    const tokens = this.p.tokens;
    if (result.status === 401 && tokens && m?.token !== undefined && !m.retried) {
      this.report.retriedAfter401++;
      return tokens.provider.rejected(m.token).then((t) => {
        this.secrets.add(t);
        const again = setHeader(req, tokens.header, t);
        this.meta.set(again, { ...m, token: t, retried: true });
        return again;
      });
    }
    if (res && m?.turn) this.p.sessions!.observe(req, m.turn, res);
    if (res) for (const pl of this.p.plugins) if (pl.response) this.call('response', req.id, () => pl.response!(res, this.ctx(req, m?.turn?.into.state)));
    m?.turn?.done();
    if ((result.status === 401 || result.status === 403) && carriesRecordedSecret(req)) {
      const l = this.report.lackingCredentials;
      if (l.examples.length < EXAMPLES) l.examples.push({ id: req.id, method: req.method, endpoint: req.endpoint ?? '', status: result.status });
      l.count++;
    }
    return undefined;
  }

  ctx(req: Pick<ScheduledRequest, 'id' | 'endpoint'>, session?: Map<string, unknown>): PluginContext {
    return { target: this.report.url, targetIndex: this.index, id: req.id, endpoint: req.endpoint ?? '', ...(session ? { session } : {}) };
  }

  /** Runs a hook; a throw is counted and marks the request (the run goes on). Its time is the generator's. */
  call<T>(hook: HookName, id: string, f: () => T): T | undefined {
    const t0 = performance.now();
    let v: T | undefined;
    try {
      v = f();
    } catch (err) {
      this.mark(hook, id, err);
    }
    // An async hook's time is taken when it settles (requestHook).
    if (!(v instanceof Promise)) this.clock.add(performance.now() - t0);
    return v;
  }

  mark(hook: HookName, id: string, err: unknown): void {
    const e = this.report.hookErrors;
    this.clock.figures.errors++;
    if (e.examples.length < EXAMPLES) e.examples.push({ id, hook, message: String((err as Error)?.message ?? err).slice(0, 160) });
    e.count++;
  }

  private withToken(req: ScheduledRequest, m: Meta): Maybe<ScheduledRequest> {
    const t = this.p.tokens;
    if (!t || (!t.all && !req.headers.some((h) => h.name.toLowerCase() === t.header))) return req;
    return then(t.provider.current(), (tok) => {
      if (tok !== this.lastToken) this.secrets.add((this.lastToken = tok));
      m.token = tok;
      return setHeader(req, t.header, tok);
    });
  }

  private requestHooks(req: ScheduledRequest, m: Meta): Maybe<ScheduledRequest | undefined> {
    let chain: Maybe<ScheduledRequest | undefined> = req;
    for (const pl of this.p.plugins) {
      if (!pl.request) continue;
      chain = then<ScheduledRequest | undefined, ScheduledRequest | undefined>(chain, (r) => (r ? this.requestHook(pl, r, m) : undefined));
    }
    return chain;
  }

  private requestHook(pl: ShadowtapPlugin, req: ScheduledRequest, m: Meta): Maybe<ScheduledRequest | undefined> {
    const view: PluginRequest = { id: req.id, method: req.method, target: req.target, headers: req.headers.map((h) => ({ ...h })), ...(req.body ? { body: req.body } : {}) };
    const t0 = performance.now();
    const settle = (v: PluginRequest | 'skip' | undefined | void): ScheduledRequest | undefined => {
      if (v === 'skip') return (this.report.skipped.plugin++, undefined);
      const r = v ?? view;
      const endpoint = r.target === req.target && r.method === req.method ? req.endpoint : routeTemplate(r.target, r.method);
      return { ...req, method: r.method, target: r.target, headers: r.headers as Header[], ...(r.body ? { body: r.body } : {}), ...(endpoint ? { endpoint } : {}) };
    };
    const v = this.call('request', req.id, () => pl.request!(view, this.ctx(req, m.turn?.session.state)));
    if (!(v instanceof Promise)) return settle(v);
    return v.then(settle, (err: unknown) => (this.mark('request', req.id, err), req)).finally(() => this.clock.add(performance.now() - t0));
  }
}

function setHeader(req: ScheduledRequest, name: string, token: string): ScheduledRequest {
  const lower = name.toLowerCase();
  return { ...req, headers: [...req.headers.filter((h) => h.name.toLowerCase() !== lower), { name, value: `Bearer ${token}` }] };
}
