import { createHmac, randomBytes } from 'node:crypto';
import type { Body, Exchange, Header } from '../exchange.js';
import { headerValue } from '../exchange.js';

export interface RedactOptions {
  enabled: boolean;
  /** Extra header names to redact (case-insensitive), beyond DEFAULT_REDACTED_HEADERS. */
  headers?: string[];
  /** Extra query parameter names to redact (case-insensitive), beyond DEFAULT_REDACTED_QUERY. */
  queryParams?: string[];
  /** HMAC key. Default: env SHADOWTAP_REDACT_KEY, else a random key for this process. */
  key?: Buffer;
}

export const DEFAULT_REDACTED_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];
export const DEFAULT_REDACTED_QUERY = ['access_token', 'api_key', 'apikey', 'password', 'secret', 'token', 'x-amz-signature', 'x-amz-security-token'];

/** Headers whose value is a URL: their query string gets the same treatment as the target's. */
const URL_HEADERS = new Set(['location', 'referer', 'content-location']);
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/@?#:]*)(?::([^/@?#]*))?@/i;
const AUTH_HEADERS = new Set(['authorization', 'proxy-authorization']);

// One random key per process, so equal secrets hash equal across every capture of one run.
let processKey: Buffer | undefined;

function defaultKey(): Buffer {
  const env = process.env.SHADOWTAP_REDACT_KEY;
  if (env) return Buffer.from(env, 'utf8');
  processKey ??= randomBytes(32);
  return processKey;
}

/**
 * Replaces credentials with `redacted:<keyed hash>` before anything reaches disk. The hash is
 * HMAC-SHA256 (first 16 hex digits), so equal secrets stay equal — a reader can still see that two
 * requests carried the same token — but the value cannot be recovered or guessed offline without
 * the key. With the default random key, equality holds within one run only; set
 * SHADOWTAP_REDACT_KEY (or pass `key`) to compare across runs.
 */
export function createRedactor(opts: RedactOptions): (ex: Exchange) => Exchange {
  if (!opts.enabled) return (ex) => ex;
  const key = opts.key ?? defaultKey();
  const headers = new Set([...DEFAULT_REDACTED_HEADERS, ...(opts.headers ?? []).map((h) => h.toLowerCase())]);
  const params = new Set([...DEFAULT_REDACTED_QUERY, ...(opts.queryParams ?? []).map((p) => p.toLowerCase())]);
  const hash = (v: string): string => `redacted:${createHmac('sha256', key).update(v).digest('hex').slice(0, 16)}`;

  const query = (q: string): string =>
    q
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const name = eq < 0 ? pair : pair.slice(0, eq);
        return eq >= 0 && params.has(decodeName(name).toLowerCase()) ? `${name}=${hash(pair.slice(eq + 1))}` : pair;
      })
      .join('&');
  const url = (raw: string): string => {
    // userinfo in an absolute-form target (proxies) or a Location header is a password in clear
    const u = raw.replace(USERINFO, (_m, scheme: string, user: string, pass: string | undefined) => `${scheme}${user}${pass === undefined ? '' : `:${hash(pass)}`}@`);
    const q = u.indexOf('?');
    if (q < 0) return u;
    const hashAt = u.indexOf('#', q);
    return hashAt < 0 ? u.slice(0, q + 1) + query(u.slice(q + 1)) : u.slice(0, q + 1) + query(u.slice(q + 1, hashAt)) + u.slice(hashAt);
  };
  const cookies = (v: string): string =>
    v
      .split(';')
      .map((c) => {
        const eq = c.indexOf('=');
        return eq < 0 ? c : `${c.slice(0, eq)}=${hash(c.slice(eq + 1).trim())}`;
      })
      .join(';');
  const setCookie = (v: string): string => {
    const semi = v.indexOf(';');
    return semi < 0 ? cookies(v) : cookies(v.slice(0, semi)) + v.slice(semi);
  };
  const value = (name: string, v: string): string => {
    if (name === 'cookie') return cookies(v);
    if (name === 'set-cookie') return setCookie(v);
    if (AUTH_HEADERS.has(name)) {
      // Keep the scheme ("Bearer", "Basic"): it is not secret and tells the reader what was sent.
      const m = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) +(\S.*)$/.exec(v);
      return m ? `${m[1]} ${hash(m[2]!)}` : hash(v);
    }
    return hash(v);
  };
  // A name of another length cannot be one to treat: most headers are passed over without a lower-cased copy.
  const lengths = new Set([...headers, ...URL_HEADERS].map((n) => n.length));
  const treated = (name: string): string | undefined => {
    if (!lengths.has(name.length)) return undefined;
    const n = name.toLowerCase();
    return headers.has(n) || URL_HEADERS.has(n) ? n : undefined;
  };
  const list = (hs: Header[] | undefined): Header[] | undefined =>
    hs?.map((h) => {
      const n = treated(h.name);
      if (n === undefined) return h;
      if (headers.has(n)) return { name: h.name, value: value(n, h.value) };
      return { name: h.name, value: url(h.value) };
    });
  const anyTreated = (hs: Header[] | undefined): boolean => {
    for (const h of hs ?? []) if (treated(h.name) !== undefined) return true;
    return false;
  };
  // Nothing that redaction would change: the exchange is returned as it is, without copies.
  const untouched = (ex: Exchange): boolean => {
    const { request: q, response: r } = ex;
    if (q.target.includes('?') || q.target.includes('@') || anyTreated(q.headers) || anyTreated(q.trailers)) return false;
    if (q.body?.text !== undefined && headerValue(q.headers, 'content-type') !== undefined) return false;
    return r === undefined || (!anyTreated(r.headers) && !anyTreated(r.trailers) && !(r.interim?.some((i) => anyTreated(i.headers)) ?? false));
  };
  const formBody = (hs: Header[], b: Body | undefined): Body | undefined => {
    const type = headerValue(hs, 'content-type') ?? '';
    if (!b || b.text === undefined || !type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return b;
    const text = query(b.text);
    return text === b.text ? b : { ...b, text, size: b.truncated ? b.size : Buffer.byteLength(text) };
  };

  return (ex) => {
    if (untouched(ex)) return ex;
    const out: Exchange = { ...ex, request: { ...ex.request, target: url(ex.request.target), headers: list(ex.request.headers)! } };
    const body = formBody(ex.request.headers, ex.request.body);
    if (body) out.request.body = body;
    if (ex.request.trailers) out.request.trailers = list(ex.request.trailers)!;
    if (ex.response) {
      const r = (out.response = { ...ex.response, headers: list(ex.response.headers)! });
      if (r.trailers) r.trailers = list(r.trailers)!;
      if (r.interim) r.interim = r.interim.map((i) => ({ ...i, headers: list(i.headers)! }));
    }
    return out;
  };
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
