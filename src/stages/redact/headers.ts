import type { Hash } from './url.js';

/**
 * Header values whose secret is part of the value: the scheme of Authorization stays readable
 * ("Bearer", "Basic", "Digest"), cookie names and Set-Cookie attributes too; everything else is hashed.
 * Values are walked by index and written once: on varied traffic every request brings a cookie and a
 * Set-Cookie never seen before, and split/map/join made an array and a string per piece of each.
 */

const AUTH = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) +(\S.*)$/;

/** Authorization and Proxy-Authorization: the scheme is not secret and tells the reader what was sent. */
export function redactAuth(v: string, hash: Hash): string {
  const m = AUTH.exec(v);
  return m ? `${m[1]} ${hash(m[2]!)}` : hash(v);
}

/** `Cookie: a=1; b=2; bare` — every value hashed, a value without a name (no `=`) too. */
export function redactCookies(v: string, hash: Hash): string {
  let out = '';
  // The first '=' at or after `start`: searched again only once passed, so a value is scanned once.
  let eq = -1;
  for (let start = 0; ; ) {
    let end = v.indexOf(';', start);
    if (end < 0) end = v.length;
    if (eq < start) {
      eq = v.indexOf('=', start);
      if (eq < 0) eq = v.length;
    }
    out += eq < end ? v.slice(start, eq + 1) + hash(v.slice(eq + 1, end).trim()) : bare(v.slice(start, end), hash);
    if (end === v.length) return out;
    out += ';';
    start = end + 1;
  }
}

/** A cookie without a name: its text hashed, the space before it kept (the one after dropped), a blank one kept. */
function bare(c: string, hash: Hash): string {
  const t = c.trim();
  return t === '' ? c : c.slice(0, c.indexOf(t)) + hash(t);
}

/** Attributes that describe a cookie and hold no secret. */
const ATTRIBUTES = new Set(['expires', 'max-age', 'domain', 'path', 'secure', 'httponly', 'samesite', 'partitioned', 'priority', 'version', 'comment', 'commenturl', 'discard', 'port']);

/** A comma that is the one inside an Expires date (`Wed, 21 Oct 2015 …`), tested just after it. */
const DATE_COMMA = /\s*\d{1,2}[ -][A-Za-z]{3}[ -]/y;

/**
 * `Set-Cookie`, also several folded into one value with commas (`a=1; Path=/, b=2`): a comma starts a
 * new cookie unless it is the one inside an Expires date (`Wed, 21 Oct 2015 …`).
 */
export function redactSetCookie(v: string, hash: Hash): string {
  let out = '';
  for (let start = 0; ; ) {
    let end = v.indexOf(',', start);
    while (end >= 0 && isDateComma(v, end)) end = v.indexOf(',', end + 1);
    if (end < 0) return out + oneSetCookie(start === 0 ? v : v.slice(start), hash);
    out += oneSetCookie(v.slice(start, end), hash) + ',';
    start = end + 1;
  }
}

function isDateComma(v: string, comma: number): boolean {
  DATE_COMMA.lastIndex = comma + 1;
  return DATE_COMMA.test(v);
}

/** One cookie: its name=value as a Cookie's, then its attributes (one not known as such is hashed as a cookie). */
function oneSetCookie(one: string, hash: Hash): string {
  let semi = one.indexOf(';');
  if (semi < 0) return redactCookies(one, hash);
  let out = redactCookies(one.slice(0, semi), hash);
  while (semi < one.length) {
    const start = semi + 1;
    semi = one.indexOf(';', start);
    if (semi < 0) semi = one.length;
    const p = one.slice(start, semi);
    const eq = p.indexOf('=');
    out += ';' + (ATTRIBUTES.has((eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase()) ? p : redactCookies(p, hash));
  }
  return out;
}
