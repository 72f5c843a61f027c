import type { Hash, IsSecret } from './url.js';

/**
 * JSON bodies: the value of every member whose name is secret, at any depth and inside arrays, becomes
 * the hash of its text (a string's decoded text, so a token hashes the same as in an Authorization header).
 * A scanner, not JSON.parse + stringify: everything else keeps its bytes (spacing, key order, numbers
 * beyond double precision), and a truncated or slightly broken body is still redacted.
 */
export function redactJson(text: string, isSecret: IsSecret, hash: Hash): string {
  let out = '';
  let copied = 0;
  let i = 0;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) break;
    const end = stringEnd(text, q);
    let j = skipSpace(text, end);
    if (text.charCodeAt(j) !== 0x3a /* : */) {
      i = end;
      continue;
    }
    j = skipSpace(text, j + 1);
    if (!isSecret(decoded(text.slice(q, end)))) {
      i = j;
      continue;
    }
    const vEnd = valueEnd(text, j);
    const raw = text.slice(j, vEnd);
    if (NO_SECRET.has(raw)) {
      i = vEnd;
      continue;
    }
    out += text.slice(copied, j) + jsonQuoted(hash(raw.startsWith('"') ? decoded(raw) : raw));
    copied = i = vEnd;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * JSON.stringify(s) for a string, without the call in the common case: a hash (`redacted:<hex>`) has
 * nothing to escape. Anything that might (quotes, backslashes, controls, surrogates) is left to JSON.stringify.
 */
export function jsonQuoted(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return '"' + s + '"';
}

/** Values that hold no secret: hashing them would only turn `null` into a string. */
const NO_SECRET = new Set(['null', 'true', 'false', '""']);

/** Index after the string starting at `q` (its closing quote), or the end of an unterminated one. */
function stringEnd(s: string, q: number): number {
  let i = q + 1;
  for (;;) {
    const k = s.indexOf('"', i);
    if (k < 0) return s.length;
    let bs = 0;
    while (s.charCodeAt(k - 1 - bs) === 0x5c) bs++;
    if (bs % 2 === 0) return k + 1;
    i = k + 1;
  }
}

function skipSpace(s: string, i: number): number {
  for (let c = s.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = s.charCodeAt(++i));
  return i;
}

/** Index after the value starting at `i`: a string, an object or array (strings inside skipped), or a literal. */
function valueEnd(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return stringEnd(s, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let k = i; k < s.length; k++) {
      const ch = s[k];
      if (ch === '"') k = stringEnd(s, k) - 1;
      else if (ch === '{' || ch === '[') depth++;
      else if ((ch === '}' || ch === ']') && --depth === 0) return k + 1;
    }
    return s.length;
  }
  let k = i;
  while (k < s.length && !',}] \t\r\n'.includes(s[k]!)) k++;
  return k;
}

function decoded(raw: string): string {
  if (!raw.includes('\\') && raw.length > 1 && raw.endsWith('"')) return raw.slice(1, -1);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined);
  }
}
