import { parseStartLine, stripCr, type Kind } from './head.js';

// Finding where HTTP (re)starts in a byte stream: after non-HTTP bytes, after a gap, or when a
// capture begins in the middle of a connection.

const LF = 10;
const CR = 13;
const SP = 32;

/**
 * A cheap byte check that buf[start..lf) can be a start line of `kind` (a request line ends in
 * " HTTP/1.x", a status line starts with "HTTP/1.x "); parseHead does the full check.
 */
export function mayBeStartLine(kind: Kind, buf: Buffer, start: number, lf: number): boolean {
  let e = lf;
  if (e > start && buf[e - 1] === CR) e--;
  const at = kind === 'request' ? e - 9 : start;
  if (at < start || e - start < 12) return false; // both start lines are 12 bytes at least
  const lead = kind === 'request' ? buf[at] === SP : buf[at + 8] === SP;
  const h = kind === 'request' ? at + 1 : at;
  // A status line's "HTTP" in any case (head.ts versionAt says why): the case bit is set on both sides.
  const c = kind === 'request' ? 0 : 0x20;
  return lead && (buf[h]! | c) === (72 | c) && (buf[h + 1]! | c) === (84 | c) && (buf[h + 2]! | c) === (84 | c) && (buf[h + 3]! | c) === (80 | c) && buf[h + 4] === 47 && buf[h + 5] === 49 && buf[h + 6] === 46;
}

/** Is the line at buf[start..lf) a start line of `kind`? */
export function isStartLine(kind: Kind, buf: Buffer, start: number, lf: number): boolean {
  return parseStartLine(kind, stripCr(buf.toString('latin1', start, lf))) !== undefined;
}

/**
 * After lost sync (non-HTTP bytes, a gap), the next place in buf[from..end) where a start line of
 * `kind` begins and is complete (its LF present), or -1. A request line may follow garbage on the
 * same line, so candidates are found by their fixed part (" HTTP/1.x" at the end of a request line,
 * "HTTP/1.x NNN" at the start of a status line) and checked backwards/forwards from there.
 */
export function findStartLine(kind: Kind, buf: Buffer, from: number, end = buf.length): number {
  // Searched in a view that ends at `end`: the buffer may go on for a whole read chunk or ring past the
  // bytes fed, and a search that fails would scan all of it, on every packet of a non-HTTP stream.
  const b = end < buf.length ? buf.subarray(0, end) : buf;
  const fixed = kind === 'request' ? ' HTTP/1.' : 'HTTP/1.';
  for (let at = b.indexOf(fixed, from, 'latin1'); at >= 0; at = b.indexOf(fixed, at + 1, 'latin1')) {
    const lf = b.indexOf(LF, at);
    if (lf < 0) return -1;
    const start = kind === 'request' ? requestLineStart(b, from, at) : at;
    if (start >= 0 && isStartLine(kind, b, start, lf)) return start;
  }
  return -1;
}

const KNOWN_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];

/** Walks back from " HTTP/1." over the target and the method token. */
function requestLineStart(buf: Buffer, from: number, httpAt: number): number {
  let i = httpAt - 1;
  while (i >= from && buf[i]! > SP && buf[i]! < 0x7f) i--;
  if (i < from || buf[i] !== SP || i === httpAt - 1) return -1;
  const methodEnd = i;
  i--;
  while (i >= from && isUpperToken(buf[i]!)) i--;
  let start = i + 1;
  if (start === methodEnd) return -1;
  // Garbage right before the method on the same line: prefer a known method as the token's tail.
  if (i >= from && buf[i] !== LF) {
    const token = buf.toString('latin1', start, methodEnd);
    const known = KNOWN_METHODS.find((m) => token.endsWith(m));
    if (known) start = methodEnd - known.length;
  }
  return start;
}

function isUpperToken(c: number): boolean {
  return (c >= 65 && c <= 90) || c === 45 || c === 95;
}
