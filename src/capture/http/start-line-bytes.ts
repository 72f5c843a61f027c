import type { Header } from '../../exchange.js';
import { Head, TCHAR, type LatinSlicer } from './head.js';

// Start lines read from bytes, for the usual case only: ASCII, a known shape. Whatever these return
// is what head.ts's startLine makes of the same line; undefined leaves the line to startLine.

const SP = 32;

/** Summary heads have no header list: one shared, frozen, so nothing can add to it by mistake. */
export const NO_HEADERS: Header[] = Object.freeze([]) as unknown as Header[];


/** Shared strings for the usual methods: no string is made per request for them. */
const METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];

function methodAt(buf: Buffer, from: number, to: number): string {
  for (const m of METHODS) if (m.length === to - from && sameAscii(buf, from, m)) return m;
  return (buf as LatinSlicer).latin1Slice(from, to);
}

function sameAscii(buf: Buffer, at: number, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (buf[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** "HTTP/1.x" at buf[at..at+8), as head.ts's versionAt names it; undefined otherwise. */
function versionAt(buf: Buffer, at: number): string | undefined {
  // H T T P / 1 .
  if (buf[at] !== 72 || buf[at + 1] !== 84 || buf[at + 2] !== 84 || buf[at + 3] !== 80 || buf[at + 4] !== 47 || buf[at + 5] !== 49 || buf[at + 6] !== 46) return undefined;
  const minor = buf[at + 7]!;
  return minor === 49 ? 'HTTP/1.1' : minor === 48 ? 'HTTP/1.0' : undefined;
}

/** METHOD SP target SP HTTP/1.x in buf[start..end) (line ending excluded). */
export function scanRequestLine(buf: Buffer, start: number, end: number): Head | undefined {
  let sp1 = start;
  while (sp1 < end && sp1 - start <= 24 && TCHAR[buf[sp1]!] === 1) sp1++;
  const sp2 = end - 9;
  if (sp1 === start || sp1 - start > 24 || buf[sp1] !== SP || sp2 <= sp1 + 1 || buf[sp2] !== SP) return undefined;
  const version = versionAt(buf, sp2 + 1);
  if (!version) return undefined;
  for (let i = sp1 + 1; i < sp2; i++) {
    const c = buf[i]!;
    if (c <= SP || c >= 0x7f) return undefined; // whitespace, controls (startLine decides) or non-ASCII
  }
  const head = new Head(version, NO_HEADERS);
  head.method = methodAt(buf, start, sp1);
  head.target = (buf as LatinSlicer).latin1Slice(sp1 + 1, sp2);
  return head;
}

/** HTTP/1.x SP NNN [SP reason] in buf[start..end) (line ending excluded). */
export function scanStatusLine(buf: Buffer, start: number, end: number): Head | undefined {
  const n = end - start;
  const version = n >= 12 ? versionAt(buf, start) : undefined;
  if (!version || buf[start + 8] !== SP || (n > 12 && buf[start + 12] !== SP)) return undefined;
  const d0 = buf[start + 9]! - 48;
  const d1 = buf[start + 10]! - 48;
  const d2 = buf[start + 11]! - 48;
  if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return undefined;
  for (let i = start + 13; i < end; i++) if (buf[i]! >= 0x80) return undefined;
  const head = new Head(version, NO_HEADERS);
  head.status = d0 * 100 + d1 * 10 + d2;
  head.reason = n <= 13 ? '' : n === 15 && buf[start + 13] === 79 && buf[start + 14] === 75 ? 'OK' : (buf as LatinSlicer).latin1Slice(start + 13, end);
  return head;
}
