import type { Body, Exchange, Header, InterimResponse } from '../../exchange.js';
import { isHeaderNamed, SharedHeaderCache } from '../../exchange.js';
import { redactBody } from './body.js';
import { redactAuth, redactCookies, redactSetCookie } from './headers.js';
import { checkKey, hasher, keyId, processRedactKey, type RedactKey } from './key.js';
import { memoised } from './memo.js';
import { cached, DEFAULT_FIELD_NAMES, DEFAULT_HEADER_NAMES, globsRegExp, hintRegExp, nameMatcher } from './names.js';
import type { IsSecret } from './url.js';
import { redactUrl, type Hash } from './url.js';

export { safeFields, safeText, safeUrl } from './url.js';
export { checkKey, processRedactKey, setProcessKey, type RedactKey } from './key.js';
export { DEFAULT_FIELD_NAMES, DEFAULT_HEADER_NAMES } from './names.js';
export { createResponseRedactor } from './observed.js';

/**
 * What to redact. Every output of captured data (capture files, .har, .gor, rotating files, `cat`
 * listings) is opened with one, and `enabled: false` only comes from an explicit `--no-redact`.
 */
export interface RedactPolicy {
  enabled: boolean;
  /** Header names (globs, case-insensitive) to redact besides DEFAULT_HEADER_NAMES. */
  headers?: readonly string[];
  /** Field names (globs) besides DEFAULT_FIELD_NAMES: query, form, JSON, multipart and path parameters. */
  queryParams?: readonly string[];
  /** HMAC key: default the process's key (SHADOWTAP_REDACT_KEY, set at the edge), else a random key for this process. */
  key?: RedactKey;
}

export const REDACT_ALL: RedactPolicy = { enabled: true };

/** What the capture file's first line says about the redaction applied to it (never the key). */
export interface RedactionRecord {
  enabled: boolean;
  headers?: string[];
  fields?: string[];
  bodies?: string[];
  hash?: string;
  key?: string;
  keyId?: string;
}

export function redactionRecord(p: RedactPolicy): RedactionRecord {
  if (!p.enabled) return { enabled: false };
  const key = p.key ?? processRedactKey();
  return {
    enabled: true,
    headers: [...DEFAULT_HEADER_NAMES, ...(p.headers ?? [])],
    fields: [...DEFAULT_FIELD_NAMES, ...(p.queryParams ?? [])],
    bodies: ['application/x-www-form-urlencoded', 'json', 'multipart/form-data', 'gzip/deflate/br decoded and encoded again'],
    hash: 'redacted:<first 16 hex of HMAC-SHA256(key, value)>',
    key: key.source,
    keyId: keyId(key.bytes),
  };
}

/** Header values remembered once redacted (memo.ts): up to this long, this many per generation and kind. */
const VALUE_MEMO_CHARS = 1024;
const VALUE_MEMO_ENTRIES = 1024;

/** Headers whose value is a URL: their query, path parameters, fragment and password get the field rules. */
const URL_HEADERS = /^(?:location|referer|content-location)$/i;
const enum Kind {
  Plain,
  Secret,
  Cookie,
  SetCookie,
  Auth,
  Url,
}

/** How a secret header's value is redacted: some keep a readable part (see headers.ts). */
function secretKind(name: string): Kind {
  if (isHeaderNamed(name, 'cookie')) return Kind.Cookie;
  if (isHeaderNamed(name, 'set-cookie') || isHeaderNamed(name, 'set-cookie2')) return Kind.SetCookie;
  if (isHeaderNamed(name, 'authorization') || isHeaderNamed(name, 'proxy-authorization')) return Kind.Auth;
  return Kind.Secret;
}

/** A message's headers and body redacted; undefined when nothing in them changes. */
export type MessageRedactor = (headers: Header[], body: Body | undefined) => { headers: Header[]; body?: Body } | undefined;

/** One policy compiled: the header list rule and the message rule the exchange stage and observed responses share. */
interface Compiled {
  /** The same array when nothing in it changes; `memo` remembers the names of the last list of its kind. */
  list: (hs: Header[], memo?: NameMemo) => Header[];
  message: MessageRedactor;
  field: IsSecret;
  hash: Hash;
}

function compile(p: RedactPolicy): Compiled {
  const key = p.key ? { ...p.key, bytes: checkKey(p.key.bytes, p.key.source) } : processRedactKey();
  const hash = hasher(key.bytes);
  const secret = globsRegExp([...DEFAULT_HEADER_NAMES, ...(p.headers ?? [])]);
  // One lookup per header: names repeat (in the same spelling) across millions of exchanges.
  const kind = cached((name) => (secret.test(name) ? secretKind(name) : URL_HEADERS.test(name) ? Kind.Url : Kind.Plain));
  const fields = [...DEFAULT_FIELD_NAMES, ...(p.queryParams ?? [])];
  const field: IsSecret = Object.assign(nameMatcher(fields), { hint: hintRegExp(fields) });
  // A whole header value redacted, remembered per kind: a session sends the same Cookie or Authorization
  // value on every request, and splitting, hashing and joining it again costs far more than a lookup.
  // Each rule depends on the value and this policy only (its key and field names).
  const byKind: ((v: string) => string)[] = [];
  byKind[Kind.Cookie] = memoised((v) => redactCookies(v, hash), VALUE_MEMO_CHARS, VALUE_MEMO_ENTRIES);
  byKind[Kind.SetCookie] = memoised((v) => redactSetCookie(v, hash), VALUE_MEMO_CHARS, VALUE_MEMO_ENTRIES);
  byKind[Kind.Auth] = memoised((v) => redactAuth(v, hash), VALUE_MEMO_CHARS, VALUE_MEMO_ENTRIES);
  byKind[Kind.Url] = memoised((v) => redactUrl(v, field, hash), VALUE_MEMO_CHARS, VALUE_MEMO_ENTRIES);
  const value = (k: Kind, v: string): string => (k === Kind.Secret ? hash(v) : byKind[k]!(v));
  const scan = (hs: Header[], memo?: NameMemo): Header[] => {
    let out: Header[] | undefined;
    for (let i = 0; i < hs.length; i++) {
      const h = hs[i]!;
      const k = memo ? memo.kindOf(i, h.name, kind) : kind(h.name);
      if (k === Kind.Plain) continue;
      const v = value(k, h.value);
      if (v !== h.value) (out ??= hs.slice())[i] = { name: h.name, value: v };
    }
    return out ?? hs;
  };
  // Lists of shared (frozen) Header objects redacted before: the answer again, without a look at any
  // name (null: nothing in the list changes).
  const known = new SharedHeaderCache<readonly Header[] | null>();
  const list = (hs: Header[], memo?: NameMemo): Header[] => {
    const k = known.get(hs);
    if (k !== undefined) return k === null ? hs : k.slice();
    const out = scan(hs, memo);
    // The redacted headers are shared from now on: frozen like the ones they replace.
    if (known.keep(hs, () => (out === hs ? null : out.slice())) !== undefined) for (const h of out) Object.freeze(h);
    return out;
  };
  const responses = new NameMemo();
  const message: MessageRedactor = (hs, b) => {
    const headers = list(hs, responses);
    const body = redactBody(headers, b, field, hash);
    if (body) return body;
    return headers === hs ? undefined : { headers };
  };
  return { list, message, field, hash };
}

/**
 * The response rule alone, for a message that is not an exchange (a replay target's answer,
 * stages/redact/observed.ts): the same rules as an exchange's response, without building one.
 */
export function createMessageRedactor(p: RedactPolicy): MessageRedactor {
  return p.enabled ? compile(p).message : () => undefined;
}

/**
 * The redaction stage: credentials become `redacted:<keyed hash>` (HMAC-SHA256, first 16 hex digits),
 * so equal secrets stay equal — a reader sees that two requests carried the same token — but a value
 * cannot be recovered or tested against guesses without the key. An exchange with nothing to redact is
 * returned as it is (no copies); otherwise a copy, the input untouched.
 */
export function createRedactor(p: RedactPolicy): (ex: Exchange) => Exchange {
  if (!p.enabled) return (ex) => ex;
  const { list, message, field, hash } = compile(p);
  const requests = new NameMemo();
  return (ex) => {
    const q = ex.request;
    const target = redactUrl(q.target, field, hash);
    let headers = list(q.headers, requests);
    const body = redactBody(headers, q.body, field, hash);
    if (body) headers = body.headers;
    const trailers = q.trailers && list(q.trailers);
    const r = ex.response;
    const response = r && redactResponse(r, list, message);
    if (target === q.target && headers === q.headers && !body && trailers === q.trailers && response === r) return ex;
    const request = { ...q, target, headers };
    if (body) request.body = body.body;
    if (trailers) request.trailers = trailers;
    const out: Exchange = { ...ex, request };
    if (response) out.response = response;
    return out;
  };
}

/**
 * The kind of each header name at each position of the last list of one kind (requests, responses):
 * messages of one service list the same names in the same order, and comparing two short strings costs
 * less than hashing one for the cache.
 */
const MEMO_POSITIONS = 64;
class NameMemo {
  private readonly names = new Array<string | undefined>(MEMO_POSITIONS).fill(undefined);
  private readonly kinds = new Array<Kind>(MEMO_POSITIONS).fill(Kind.Plain);

  kindOf(i: number, name: string, kind: (name: string) => Kind): Kind {
    if (this.names[i] === name) return this.kinds[i]!;
    const k = kind(name);
    if (i < MEMO_POSITIONS) {
      this.names[i] = name;
      this.kinds[i] = k;
    }
    return k;
  }
}

function redactResponse(r: NonNullable<Exchange['response']>, list: (hs: Header[]) => Header[], message: MessageRedactor): NonNullable<Exchange['response']> {
  const m = message(r.headers, r.body);
  const headers = m?.headers ?? r.headers;
  const body = m?.body;
  const trailers = r.trailers && list(r.trailers);
  let interim: InterimResponse[] | undefined = r.interim;
  if (r.interim) {
    const each = r.interim.map((i) => {
      const hs = list(i.headers);
      return hs === i.headers ? i : { ...i, headers: hs };
    });
    if (each.some((i, n) => i !== r.interim![n])) interim = each;
  }
  if (headers === r.headers && !body && trailers === r.trailers && interim === r.interim) return r;
  const out = { ...r, headers };
  if (body) out.body = body;
  if (trailers) out.trailers = trailers;
  if (interim) out.interim = interim;
  return out;
}
