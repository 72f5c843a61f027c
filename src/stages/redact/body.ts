import { Buffer, isUtf8 } from 'node:buffer';
import { brotliCompressSync, brotliDecompressSync, constants, deflateSync, gzipSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Body, Header } from '../../exchange.js';
import { headerValueOf, isHeaderNamed } from '../../exchange.js';
import { bodyBytes, makeBody } from '../../body.js';
import { redactJson } from './json.js';
import { redactMultipart } from './multipart.js';
import { cached } from './names.js';
import { redactPairs, type Hash, type IsSecret } from './url.js';

/**
 * Bodies that carry named fields: urlencoded forms, JSON (requests, and token responses), multipart
 * forms. A compressed body is decoded, redacted and compressed again with the same coding, so the
 * message stays what its headers say; Content-Length is set to the new size (framing stays valid).
 */
type Kind = 'form' | 'json' | 'multipart';

/** Decoded bodies past this are not inspected further (a compression bomb must not take the memory). */
const MAX_DECODED = 64 << 20;

/** By Content-Type value (they repeat); 'sniff': none or text/plain, where clients put JSON too. */
const kindOfType = cached((type: string): Kind | 'sniff' | null => {
  const t = type.trim().toLowerCase();
  if (t === '' || t.startsWith('text/plain')) return 'sniff';
  if (t.startsWith('application/x-www-form-urlencoded')) return 'form';
  if (t.startsWith('multipart/form-data')) return 'multipart';
  return /^[a-z0-9.+-]+\/(?:[a-z0-9.-]+\+)?json\b/.test(t) ? 'json' : null;
});

/**
 * False when redactBody() would not look for fields in this body under these headers: its type has
 * none, or (text/plain, no type) its text does not start as JSON does after white space. The bytes are
 * read for that, so the text of such a body is never made; a first byte past ASCII may be Unicode white
 * space, and then the text decides, as it always did.
 */
export function mayHaveFields(headers: readonly Header[], bytes?: Uint8Array): boolean {
  const k = kindOfType(headerValueOf(headers, 'content-type') ?? '');
  if (k !== 'sniff' || bytes === undefined) return k !== null;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    return c === 0x7b || c === 0x5b || c >= 0x80 || formLike(bytes.length, (j) => bytes[j]!);
  }
  return false;
}

function kindOf(type: string | undefined, body: Body): Kind | undefined {
  const k = kindOfType(type ?? '');
  if (k !== 'sniff') return k ?? undefined;
  // Clients that send JSON or a form without saying so (curl -H 'Content-Type:', scripts, some SDKs)
  // still send passwords.
  const text = body.text;
  if (text === undefined) return undefined;
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) return 'json';
  return formLike(text.length, (i) => text.charCodeAt(i)) ? 'form' : undefined;
}

/**
 * Text that can only be an urlencoded form: `name=…` first, then nothing a form encodes (white space,
 * controls; one final line break allowed, as a file sent with --data-binary has), and an `=`. Prose with
 * `=` and `&` has spaces, so it is left alone; a form is redacted field by field, other bytes kept.
 */
function formLike(length: number, at: (i: number) => number): boolean {
  let n = length;
  if (n > 0 && at(n - 1) === 0x0a) n -= n > 1 && at(n - 2) === 0x0d ? 2 : 1;
  if (n === 0 || at(0) === 0x3d || at(0) === 0x26) return false;
  let eq = false;
  for (let i = 0; i < n; i++) {
    const c = at(i);
    if (c <= 0x20 || c === 0x7f) return false;
    if (c === 0x3d) eq = true;
  }
  return eq;
}

interface Coding {
  decode(b: Buffer, partial: boolean): Buffer;
  encode(b: Buffer): Buffer;
}
const whole = { maxOutputLength: MAX_DECODED };
const sync = { ...whole, finishFlush: constants.Z_SYNC_FLUSH };
const GZIP: Coding = { decode: (b, p) => gunzipSync(b, p ? sync : whole), encode: (b) => gzipSync(b) };
const CODINGS: Record<string, Coding> = {
  gzip: GZIP,
  'x-gzip': GZIP,
  deflate: { decode: (b, p) => inflateSync(b, p ? sync : whole), encode: (b) => deflateSync(b) },
  br: { decode: (b) => brotliDecompressSync(b, whole), encode: (b) => brotliCompressSync(b) },
};

/** The message's headers and body with the body's secrets hashed; undefined when nothing changed. */
export function redactBody(headers: Header[], body: Body | undefined, isSecret: IsSecret, hash: Hash): { headers: Header[]; body: Body } | undefined {
  if (!body) return undefined;
  // The type first: most bodies are not of a kind with fields, and their text is never looked at.
  const kind = kindOf(headerValueOf(headers, 'content-type'), body);
  if (!kind || (body.text === undefined && body.base64 === undefined)) return undefined;
  const encoding = headerValueOf(headers, 'content-encoding')?.trim().toLowerCase();
  const coding = encoding && encoding !== 'identity' ? CODINGS[encoding] : undefined;
  let out: Buffer | string;
  if (!coding && encoding && encoding !== 'identity') {
    // A coding we cannot undo (or a chain of them): the fields cannot be found, so nothing of it is kept.
    out = hash(body.base64 ?? body.text!);
  } else if (!coding && body.text !== undefined) {
    out = redactText(kind, headers, body.text, isSecret, hash);
    if (out === body.text) return undefined;
  } else {
    const raw = bodyBytes(body);
    let plain: Buffer;
    try {
      plain = coding ? coding.decode(raw, body.truncated) : raw;
    } catch {
      plain = Buffer.alloc(0);
    }
    if (coding && plain.length === 0 && raw.length > 0) {
      // HAR tools store content decoded under the original Content-Encoding: valid UTF-8 that does not
      // decode is that text (compressed bytes are almost never UTF-8); anything else is hashed whole.
      if (body.text === undefined) out = hash(body.base64!);
      else {
        out = redactText(kind, headers, body.text, isSecret, hash);
        if (out === body.text) return undefined;
      }
    } else {
      const enc = isUtf8(plain) ? 'utf8' : 'latin1';
      const text = plain.toString(enc);
      const red = redactText(kind, headers, text, isSecret, hash);
      if (red === text) return undefined;
      out = coding ? coding.encode(Buffer.from(red, enc)) : Buffer.from(red, enc);
    }
  }
  // An ASCII text is its own bytes, one per character: makeBody would encode it only to decode it again.
  const ascii = typeof out === 'string' && isAsciiText(out);
  const bytes = ascii ? undefined : typeof out === 'string' ? Buffer.from(out, 'utf8') : out;
  const length = bytes ? bytes.length : out.length;
  // Only a truncated body needs its kept length (bodyBytes decodes it again).
  const size = body.truncated ? Math.max(length, body.size - bodyBytes(body).length + length) : length;
  const next = bytes ? makeBody(bytes, size) : { text: out as string, size, truncated: length < size };
  return { headers: withLength(headers, size), body: next };
}

function isAsciiText(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function redactText(kind: Kind, headers: Header[], text: string, isSecret: IsSecret, hash: Hash): string {
  // Most bodies hold no secret name: one regex pass instead of a scan that looks at every name. Escapes
  // (\u in JSON, % in forms) could spell a name the pass does not see; such bodies are scanned.
  const hint = isSecret.hint;
  if (hint && kind !== 'multipart' && !text.includes(kind === 'json' ? '\\u' : '%') && !hint.test(text)) return text;
  if (kind === 'form') return redactPairs(text, '&', isSecret, hash);
  if (kind === 'json') return redactJson(text, isSecret, hash);
  return redactMultipart(headerValueOf(headers, 'content-type')!, text, isSecret, hash);
}

/** Content-Length follows the body: a redacted body of another size must not break the framing on replay or in .gor. */
function withLength(headers: Header[], size: number): Header[] {
  if (!headers.some((h) => isHeaderNamed(h.name, 'content-length'))) return headers;
  return headers.map((h) => (isHeaderNamed(h.name, 'content-length') ? { name: h.name, value: String(size) } : h));
}
