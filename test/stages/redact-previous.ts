/**
 * The header and URL rules as they were before they were rewritten to walk values by index
 * (split/map/join, a string per character): kept verbatim as the oracle that
 * redact-same-output.test.ts holds the rewritten rules to, byte for byte.
 */
type Hash = (value: string) => string;
type IsSecret = (name: string) => boolean;

export function redactCookies(v: string, hash: Hash): string {
  return v
    .split(';')
    .map((c) => {
      const eq = c.indexOf('=');
      if (eq >= 0) return `${c.slice(0, eq)}=${hash(c.slice(eq + 1).trim())}`;
      const t = c.trim();
      return t === '' ? c : c.slice(0, c.indexOf(t)) + hash(t);
    })
    .join(';');
}

const ATTRIBUTES = new Set(['expires', 'max-age', 'domain', 'path', 'secure', 'httponly', 'samesite', 'partitioned', 'priority', 'version', 'comment', 'commenturl', 'discard', 'port']);

export function redactSetCookie(v: string, hash: Hash): string {
  return v
    .split(/,(?!\s*\d{1,2}[ -][A-Za-z]{3}[ -])/)
    .map((one) => {
      const parts = one.split(';');
      parts[0] = redactCookies(parts[0]!, hash);
      for (let i = 1; i < parts.length; i++) {
        const p = parts[i]!;
        const eq = p.indexOf('=');
        const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
        if (!ATTRIBUTES.has(name)) parts[i] = redactCookies(p, hash);
      }
      return parts.join(';');
    })
    .join(',');
}

const hasUrlParts = (s: string): boolean => s.includes('?') || s.includes(';') || s.includes('@') || s.includes('#');
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/@?#:]*)(?::([^/@?#]*))?@/i;

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

export function redactUrl(raw: string, isSecret: IsSecret, hash: Hash): string {
  if (!hasUrlParts(raw)) return raw;
  let u = raw;
  if (u.includes('@')) u = u.replace(USERINFO, (_m, scheme: string, user: string, pass: string | undefined) => `${scheme}${user}${pass === undefined ? '' : `:${hash(pass)}`}@`);
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

function decodeName(name: string): string {
  if (!name.includes('%') && !name.includes('+')) return name;
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
