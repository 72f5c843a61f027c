/**
 * Secrets in URLs and in name=value lists: the password of `user:pass@`, query parameters (`&` or `;`
 * separated), parameters of path segments (`/app;jsessionid=…`) and fragments (`#access_token=…`,
 * the implicit OAuth flow, as Referer and Location headers carry them).
 */
export type Hash = (value: string) => string;
export interface IsSecret {
  (name: string): boolean;
  /** Matches every text that holds a secret name (and others): a text it does not match has none. */
  hint?: RegExp | undefined;
}

/** Where a URL can hold a secret: userinfo, query, path parameters, fragment (a search per character is a native scan each, cheaper than a character class). */
const hasUrlParts = (s: string): boolean => s.includes('?') || s.includes(';') || s.includes('@') || s.includes('#');
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/@?#:]*)(?::([^/@?#]*))?@/i;

/**
 * name=value pairs separated by any character of `seps` (up to three); a pair whose (decoded) name is
 * secret gets its value hashed. The text is copied only from the first pair that changes.
 */
export function redactPairs(text: string, seps: string, isSecret: IsSecret, hash: Hash): string {
  const s0 = seps.charCodeAt(0);
  const s1 = seps.charCodeAt(1);
  const s2 = seps.charCodeAt(2);
  let out = '';
  let copied = 0;
  for (let start = 0; start <= text.length; ) {
    let end = start;
    let eq = -1;
    for (; end < text.length; end++) {
      const c = text.charCodeAt(end);
      if (c === s0 || c === s1 || c === s2) break;
      if (c === 0x3d && eq < 0) eq = end;
    }
    if (eq > start && isSecret(decodeName(text.slice(start, eq)))) {
      out += text.slice(copied, eq + 1) + hash(text.slice(eq + 1, end));
      copied = end;
    }
    start = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** A URL or request target with its secrets hashed; the same string when there are none. */
export function redactUrl(raw: string, isSecret: IsSecret, hash: Hash): string {
  if (!hasUrlParts(raw)) return raw;
  const u = raw.includes('@') ? replacePassword(raw, hash) : raw;
  const hashAt = u.indexOf('#');
  const end = hashAt < 0 ? u.length : hashAt;
  const first = u.indexOf('?');
  const q = first >= 0 && first < end ? first : -1;
  const pathEnd = q < 0 ? end : q;
  const path = u.slice(0, pathEnd);
  const redPath = path.includes(';') ? path.split('/').map((seg) => redactSegmentParams(seg, isSecret, hash)).join('/') : path;
  const query = q < 0 ? '' : u.slice(q + 1, end);
  const redQuery = q < 0 ? '' : redactPairs(query, '&;', isSecret, hash);
  const fragment = hashAt < 0 ? '' : u.slice(hashAt + 1);
  const redFragment = hashAt < 0 ? '' : redactPairs(fragment, '&;?', isSecret, hash);
  // Nothing hashed past the password: u is what joining the pieces again would give.
  if (redPath === path && redQuery === query && redFragment === fragment) return u;
  return redPath + (q < 0 ? '' : '?' + redQuery) + (hashAt < 0 ? '' : '#' + redFragment);
}

function redactSegmentParams(seg: string, isSecret: IsSecret, hash: Hash): string {
  const semi = seg.indexOf(';');
  return semi < 0 ? seg : seg.slice(0, semi + 1) + redactPairs(seg.slice(semi + 1), ';', isSecret, hash);
}

/** For logs and messages: a URL with its password (`user:pass@`) replaced by `***`. */
export function safeUrl(url: string): string {
  return replacePassword(url, () => '***');
}

/** The URL with the password of its `user:pass@` (when it has one) replaced by `by(pass)`. */
function replacePassword(url: string, by: (pass: string) => string): string {
  return url.replace(USERINFO, (_m, scheme: string, user: string, pass: string | undefined) => `${scheme}${user}${pass === undefined ? '' : `:${by(pass)}`}@`);
}

function decodeName(name: string): string {
  if (!name.includes('%') && !name.includes('+')) return name;
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

const ANY_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/@?#:\s"']*):([^/@?#\s"']*)@/gi;

/** For log lines: every `scheme://user:pass@` in a text with the password replaced by `***`. */
export function safeText(text: string): string {
  return text.includes('@') ? text.replace(ANY_USERINFO, '$1$2:***@') : text;
}

/** A log record's fields with safeText applied to every string, at any depth. */
export function safeFields<T>(value: T): T {
  if (typeof value === 'string') return safeText(value) as T;
  if (Array.isArray(value)) return value.map(safeFields) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, safeFields(v)])) as T;
  }
  return value;
}
