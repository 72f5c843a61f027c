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

/** name=value pairs separated by any character of `seps`; a pair whose (decoded) name is secret gets its value hashed. */
export function redactPairs(text: string, seps: string, isSecret: IsSecret, hash: Hash): string {
  let out = '';
  let start = 0;
  let changed = false;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !seps.includes(text[i]!)) continue;
    const pair = text.slice(start, i);
    const eq = pair.indexOf('=');
    if (eq > 0 && isSecret(decodeName(pair.slice(0, eq)))) {
      out += `${pair.slice(0, eq)}=${hash(pair.slice(eq + 1))}`;
      changed = true;
    } else out += pair;
    if (i < text.length) out += text[i];
    start = i + 1;
  }
  return changed ? out : text;
}

/** A URL or request target with its secrets hashed; the same string when there are none. */
export function redactUrl(raw: string, isSecret: IsSecret, hash: Hash): string {
  if (!hasUrlParts(raw)) return raw;
  let u = raw;
  if (u.includes('@')) u = replacePassword(u, hash);
  const hashAt = u.indexOf('#');
  const end = hashAt < 0 ? u.length : hashAt;
  const first = u.indexOf('?');
  const q = first >= 0 && first < end ? first : -1;
  const pathEnd = q < 0 ? end : q;
  let path = u.slice(0, pathEnd);
  if (path.includes(';')) path = path.split('/').map((seg) => redactSegmentParams(seg, isSecret, hash)).join('/');
  const query = q < 0 ? '' : '?' + redactPairs(u.slice(q + 1, end), '&;', isSecret, hash);
  const fragment = hashAt < 0 ? '' : '#' + redactPairs(u.slice(hashAt + 1), '&;?', isSecret, hash);
  const out = path + query + fragment;
  return out === raw ? raw : out;
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
