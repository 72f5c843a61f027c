import type { Hash } from './url.js';

/**
 * Header values whose secret is part of the value: the scheme of Authorization stays readable
 * ("Bearer", "Basic", "Digest"), cookie names and Set-Cookie attributes too; everything else is hashed.
 */

const AUTH = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) +(\S.*)$/;

/** Authorization and Proxy-Authorization: the scheme is not secret and tells the reader what was sent. */
export function redactAuth(v: string, hash: Hash): string {
  const m = AUTH.exec(v);
  return m ? `${m[1]} ${hash(m[2]!)}` : hash(v);
}

/** `Cookie: a=1; b=2; bare` — every value hashed, a value without a name (no `=`) too. */
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

/** Attributes that describe a cookie and hold no secret. */
const ATTRIBUTES = new Set(['expires', 'max-age', 'domain', 'path', 'secure', 'httponly', 'samesite', 'partitioned', 'priority', 'version', 'comment', 'commenturl', 'discard', 'port']);

/**
 * `Set-Cookie`, also several folded into one value with commas (`a=1; Path=/, b=2`): a comma starts a
 * new cookie unless it is the one inside an Expires date (`Wed, 21 Oct 2015 …`).
 */
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
