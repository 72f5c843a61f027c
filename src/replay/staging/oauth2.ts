import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import type { Dispatcher } from 'undici';
import { InputError } from '../../errors.js';

export interface TokenProviderOptions {
  tokenUrl: string;
  grant: 'client_credentials' | 'refresh_token';
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  scope?: string;
  /** Refresh this long before the token expires. */
  refreshBeforeMs: number;
}

interface Token {
  value: string;
  /** performance.now() when it expires (Infinity without expires_in). */
  expiresAt: number;
  /** When a background refresh starts: refreshBeforeMs ahead, but never in the first half of its life. */
  refreshAt: number;
}

/**
 * An OAuth2 token for one target (client credentials, or a refresh token): fetched before the run,
 * cached, refreshed in the background `refreshBeforeMs` before it expires, and once more when the
 * target answers 401 to it. One refresh in flight at most: every caller waits on the same promise.
 * Token requests go straight to the token endpoint: they are not replayed traffic, never in results.
 */
export class TokenProvider {
  /** Token endpoint requests made (logged; the count, never a token). */
  requests = 0;
  private token: Token | undefined;
  private refreshing: Promise<string> | undefined;
  private refreshToken: string | undefined;

  constructor(private readonly o: TokenProviderOptions, private readonly where: string) {
    this.refreshToken = o.refreshToken;
    if (o.grant === 'refresh_token' && !o.refreshToken) throw new InputError(`${where}: oauth2.grant refresh_token needs oauth2.refreshToken`);
  }

  /** The first token, before the run's clock starts; a token endpoint that refuses is bad input (exit 2). */
  async start(): Promise<void> {
    await this.refresh();
  }

  /** A valid token now, or a promise of the refreshed one when the cached token has expired. */
  current(): string | Promise<string> {
    const t = this.token;
    const now = performance.now();
    if (t && now < t.expiresAt) {
      if (now >= t.refreshAt) void this.refresh().catch(() => undefined);
      return t.value;
    }
    return this.refresh();
  }

  /** The target refused `used`: refresh unless that already happened since it was handed out. */
  rejected(used: string): Promise<string> {
    if (this.token && this.token.value !== used) return Promise.resolve(this.token.value);
    return this.refresh();
  }

  private refresh(): Promise<string> {
    this.refreshing ??= this.fetchToken().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async fetchToken(): Promise<string> {
    const form = new URLSearchParams({ grant_type: this.o.grant });
    if (this.o.grant === 'refresh_token') form.set('refresh_token', this.refreshToken!);
    if (this.o.scope) form.set('scope', this.o.scope);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (this.o.clientId !== undefined) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(this.o.clientId)}:${encodeURIComponent(this.o.clientSecret ?? '')}`).toString('base64')}`;
    this.requests++;
    const started = performance.now();
    let res: Dispatcher.ResponseData;
    try {
      // undici's request, not fetch: fetch refuses the WHATWG "bad ports" (6000, 10080…) an endpoint may listen on.
      // A connection of its own (reset): a token is fetched once in its lifetime, and a POST sent on a
      // kept-alive socket the endpoint has just closed fails rather than being retried.
      // Loaded on first use: a replay without --staging loads no undici (test/cli/lazy-modules).
      const { request } = await import('undici');
      res = await request(this.o.tokenUrl, { method: 'POST', headers, body: form.toString(), reset: true, signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw new InputError(`${this.where}: oauth2 token endpoint ${this.o.tokenUrl}: ${(err as Error).message}`);
    }
    const ok = res.statusCode >= 200 && res.statusCode <= 299;
    // The answer holds the token: only its status is ever shown.
    const body = ((await res.body.json().catch(() => undefined)) ?? {}) as { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
    if (!ok || typeof body.access_token !== 'string') throw new InputError(`${this.where}: oauth2 token endpoint ${this.o.tokenUrl} answered ${res.statusCode}${ok ? ' without access_token' : ''}`);
    if (typeof body.refresh_token === 'string') this.refreshToken = body.refresh_token;
    const ttlMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : Infinity;
    this.token = { value: body.access_token, expiresAt: started + ttlMs, refreshAt: started + Math.max(ttlMs - this.o.refreshBeforeMs, ttlMs / 2) };
    return body.access_token;
  }
}
