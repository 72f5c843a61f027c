import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { headerValueOf, type Header } from '../../exchange.js';
import { Buffer } from 'node:buffer';

/**
 * The body as the application meant it: Content-Encoding layers (gzip, br, deflate) undone, last
 * applied first. Undecodable bytes are returned as they are, so they still compare (and differ).
 */
export function decodedBody(headers: readonly Header[], body: Uint8Array): Buffer {
  let buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const enc = headerValueOf(headers, 'content-encoding');
  if (!enc || buf.length === 0) return buf;
  for (const coding of enc.split(',').map((s) => s.trim().toLowerCase()).reverse()) {
    try {
      if (coding === 'gzip' || coding === 'x-gzip') buf = gunzipSync(buf);
      else if (coding === 'br') buf = brotliDecompressSync(buf);
      else if (coding === 'deflate') buf = inflateMaybeRaw(buf);
      else if (coding !== 'identity') break;
    } catch {
      break;
    }
  }
  return buf;
}

/** "deflate" is zlib-wrapped per the RFC, but some servers send raw deflate. */
function inflateMaybeRaw(buf: Buffer): Buffer {
  try {
    return inflateSync(buf);
  } catch {
    return inflateRawSync(buf);
  }
}
