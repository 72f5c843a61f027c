import { Buffer, isAscii, isUtf8 } from 'node:buffer';
import type { Body } from './exchange.js';

/** Keeps at most `maxBytes` of `bytes`; text when the kept part is valid UTF-8, base64 otherwise. */
export function makeBody(bytes: Uint8Array, size: number = bytes.length, maxBytes = Infinity): Body {
  const kept = bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes;
  const truncated = kept.length < size;
  const buf = Buffer.isBuffer(kept) ? kept : Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength);
  // ASCII (most text bodies) decodes as Latin-1, a plain copy; a throwing TextDecoder cost several
  // times more. Unlike TextDecoder, a leading BOM is kept, so bodyBytes() gives back the bytes on the wire.
  if (isAscii(buf)) return { text: buf.toString('latin1'), size, truncated };
  if (isUtf8(buf)) return { text: buf.toString('utf8'), size, truncated };
  return { base64: buf.toString('base64'), size, truncated };
}

export function bodyBytes(body: Body | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.base64 !== undefined) return Buffer.from(body.base64, 'base64');
  return Buffer.from(body.text ?? '', 'utf8');
}
