import type { Body } from './exchange.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Keeps at most `maxBytes` of `bytes`; text when the kept part is valid UTF-8, base64 otherwise. */
export function makeBody(bytes: Uint8Array, size: number = bytes.length, maxBytes = Infinity): Body {
  const kept = bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes;
  const truncated = kept.length < size;
  try {
    return { text: utf8.decode(kept), size, truncated };
  } catch {
    return { base64: Buffer.from(kept.buffer, kept.byteOffset, kept.byteLength).toString('base64'), size, truncated };
  }
}

export function bodyBytes(body: Body | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.base64 !== undefined) return Buffer.from(body.base64, 'base64');
  return Buffer.from(body.text ?? '', 'utf8');
}
