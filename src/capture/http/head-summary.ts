import { Head, parseHead, parseHeadText, type Kind, type LatinSlicer } from './head.js';
import { NO_HEADERS, scanRequestLine, scanStatusLine } from './start-line-bytes.js';

// Summary heads (listings such as `cat --format tsv`): the start line and the framing headers only,
// read from the bytes without building a string per header. Header lists are most of a message's
// parsing cost and garbage, and a listing never shows them. Accepts and rejects exactly what
// parseHead does: anything unusual (non-ASCII in the start line or a framing value, a folded
// framing header) is handed to parseHead, whose header list is then dropped.

const LF = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const COLON = 58;

const CONTENT_LENGTH = bytesOf('content-length');
const TRANSFER_ENCODING = bytesOf('transfer-encoding');
const UPGRADE = bytesOf('upgrade');

function bytesOf(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}


/** parseHead without the header list (`headers` stays empty); undefined when the head is malformed. */
export function parseHeadSummary(kind: Kind, buf: Buffer, start: number, end: number): Head | undefined {
  const head = summary(kind, buf, start, end);
  if (head !== null) return head;
  const full = parseHead(kind, buf, start, end);
  if (full) full.headers = NO_HEADERS;
  return full;
}

/** Set by scanHeadSummary: the index just past the blank line of the head it returned. */
export const scanned = { end: 0 };

/**
 * The usual head in one pass, from its start line at buf[start..lf) to the blank line: no separate
 * search for the head's end, no string for the start line. null when that is not all there is to it
 * (incomplete, non-ASCII, folded, malformed…): findHeadEnd + parseHeadSummary decide, as they always did.
 */
export function scanHeadSummary(kind: Kind, buf: Buffer, start: number, lf: number): Head | null {
  const lineEnd = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
  const head = kind === 'request' ? scanRequestLine(buf, start, lineEnd) : scanStatusLine(buf, start, lineEnd);
  if (!head) return null;
  for (let at = lf + 1; ; ) {
    if (at >= buf.length) return null;
    const c = buf[at]!;
    if (c === LF || (c === CR && buf[at + 1] === LF)) {
      scanned.end = at + (c === LF ? 1 : 2);
      return head;
    }
    const nl = buf.indexOf(LF, at);
    if (nl < 0 || c === SP || c === TAB || c === CR) return null;
    const to = buf[nl - 1] === CR ? nl - 1 : nl;
    const colon = buf.indexOf(COLON, at);
    if (colon <= at || colon >= to || noteFraming(head, buf, at, trimEnd(buf, at, colon), colon + 1, to) === Noted.Unusual) return null;
    at = nl + 1;
  }
}

/** null: not decided here (parseHead decides). */
function summary(kind: Kind, buf: Buffer, start: number, end: number): Head | undefined | null {
  const lf = buf.indexOf(LF, start);
  if (lf < 0 || lf >= end) return null;
  const lineEnd = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
  if (!ascii(buf, start, lineEnd)) return null;
  const head = parseHeadText(kind, (buf as LatinSlicer).latin1Slice(start, lf)); // it strips the line's CR itself
  if (!head) return undefined;
  let framing = false; // the previous header line was a framing one (a fold would extend its value)
  let any = false;
  for (let at = lf + 1; at < end; ) {
    let nl = buf.indexOf(LF, at);
    if (nl < 0 || nl > end) nl = end;
    const to = nl > at && buf[nl - 1] === CR ? nl - 1 : nl;
    if (to > at) {
      const c = buf[at]!;
      if (c === SP || c === TAB) {
        if (!any) return undefined;
        if (framing) return null;
      } else {
        const colon = buf.indexOf(COLON, at);
        if (colon <= at || colon >= to) return undefined;
        any = true;
        const noted = noteFraming(head, buf, at, trimEnd(buf, at, colon), colon + 1, to);
        if (noted === Noted.Unusual) return null;
        framing = noted === Noted.Framing;
      }
    }
    at = nl + 1;
  }
  return head;
}

const enum Noted {
  Other,
  Framing,
  /** A framing value with non-ASCII bytes: parseHead's decoding decides what it says. */
  Unusual,
}

/** Notes on the head the framing header the line buf[from..to) holds, if it holds one. */
function noteFraming(head: Head, buf: Buffer, from: number, nameEnd: number, valueFrom: number, to: number): Noted {
  const n = nameEnd - from;
  const name = n === 14 ? CONTENT_LENGTH : n === 17 ? TRANSFER_ENCODING : n === 7 ? UPGRADE : undefined;
  if (!name || !sameLower(buf, from, name)) return Noted.Other;
  if (name === UPGRADE) {
    head.upgrade = true;
    return Noted.Framing;
  }
  const v = trimStart(buf, valueFrom, to);
  const vEnd = trimEnd(buf, v, to);
  if (!ascii(buf, v, vEnd)) return Noted.Unusual;
  const value = (name === CONTENT_LENGTH && smallDecimal(buf, v, vEnd)) || (buf as LatinSlicer).latin1Slice(v, vEnd);
  if (name === CONTENT_LENGTH) head.contentLength = head.contentLength === undefined ? value : `${head.contentLength}, ${value}`;
  else head.transferEncoding = head.transferEncoding === undefined ? value : `${head.transferEncoding}, ${value}`;
  return Noted.Framing;
}

/** Content-Length strings below 10 000, made once: most responses of a capture repeat a few sizes. */
const SMALL_DECIMALS: string[] = [];

/** buf[from..to) when it is a plain decimal below 10 000, as a shared string; else undefined. */
function smallDecimal(buf: Buffer, from: number, to: number): string | undefined {
  if (to - from < 1 || to - from > 4) return undefined;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  // "007" is not "7": only the canonical spelling is shared.
  if (buf[from] === 48 && to - from > 1) return undefined;
  return (SMALL_DECIMALS[n] ??= String(n));
}

/** buf[at..) equals the lower-case ASCII `lower` in any case. */
function sameLower(buf: Buffer, at: number, lower: Uint8Array): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = buf[at + i]!;
    if ((c >= 65 && c <= 90 ? c | 32 : c) !== lower[i]) return false;
  }
  return true;
}

function ascii(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i]! >= 0x80) return false;
  return true;
}

function trimStart(buf: Buffer, from: number, to: number): number {
  while (from < to && (buf[from] === SP || buf[from] === TAB)) from++;
  return from;
}

function trimEnd(buf: Buffer, from: number, to: number): number {
  while (to > from && (buf[to - 1] === SP || buf[to - 1] === TAB)) to--;
  return to;
}
