import type { Head } from './head.js';

/** How a message's body is delimited (RFC 9112 §6.3). */
export type Framing =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  | { kind: 'close' } // until the sender closes
  | { kind: 'tunnel' }; // 101 / CONNECT 2xx: what follows is not HTTP

// Shared answers: a framing is read, never changed, and one per message showed in the GC profile.
const NONE: Framing = { kind: 'none' };
const CHUNKED: Framing = { kind: 'chunked' };
const CLOSE: Framing = { kind: 'close' };
const TUNNEL: Framing = { kind: 'tunnel' };

/** Is chunked the final coding of a Transfer-Encoding value (repeated headers joined by ",")? */
export function endsChunked(transferEncoding: string): boolean {
  const codings = transferEncoding.split(',');
  return codings[codings.length - 1]!.trim().toLowerCase() === 'chunked';
}

function isChunked(head: Head): boolean | undefined {
  return head.transferEncoding === undefined ? undefined : endsChunked(head.transferEncoding);
}

/** Content-Length, tolerating repeats of one value ("5, 5"); undefined when absent or invalid. */
function contentLength(head: Head): number | undefined {
  const cl = head.contentLength;
  if (cl === undefined) return undefined;
  const n = decimal(cl);
  if (n !== undefined) return n;
  let value: number | undefined;
  for (const part of cl.split(',')) {
    const t = decimal(part.trim());
    if (t === undefined || (value !== undefined && value !== t)) return undefined;
    value = t;
  }
  return value;
}

/**
 * 1*DIGIT as a number, leading zeros allowed ("000…050" is 50: RFC 9110 §8.6), up to 15 significant
 * digits (exact in a double); a loop, not a regex (this is on every message's path).
 */
function decimal(s: string): number | undefined {
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  if (s.length === 0 || s.length - i > 15) return undefined;
  let n = 0;
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n;
}

export function requestFraming(head: Head): Framing {
  const chunked = isChunked(head);
  if (chunked === true) return CHUNKED;
  if (chunked === false) return CLOSE; // RFC 9112: unknown coding on a request, read to close
  const n = contentLength(head);
  return n ? { kind: 'length', length: n } : NONE;
}

/** `method` is the method of the request this response answers (undefined when it was not seen). */
export function responseFraming(head: Head, method: string | undefined): Framing {
  const status = head.status ?? 0;
  if (status === 101) return TUNNEL;
  if (method === 'CONNECT' && status >= 200 && status < 300) return TUNNEL;
  if (method === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304) return NONE;
  if (isChunked(head)) return CHUNKED;
  const n = contentLength(head);
  if (n !== undefined) return n ? { kind: 'length', length: n } : NONE;
  return CLOSE;
}

/** Does this request ask to leave HTTP (so the bytes after it wait for the server's verdict)? */
export function wantsTunnel(head: Head): boolean {
  return head.method === 'CONNECT' || head.upgrade;
}
