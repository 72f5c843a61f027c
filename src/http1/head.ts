import { Buffer } from 'node:buffer';
import type { Body, Header } from '../exchange.js';
import { noteFraming, splitHeaderLines } from './header-lines.js';

export { parseHeaderLines } from './header-lines.js';

/**
 * One HTTP/1.x message: start line, headers as on the wire, then what the parser learns while
 * reading the rest. A class with every field set keeps one object shape on the hot path.
 */
export class Head {
  method = '';
  target = '';
  status = 0;
  reason = '';
  body: Body | undefined = undefined;
  trailers: Header[] | undefined = undefined;
  firstUs = 0;
  lastUs = 0;
  gap = false;
  truncated = false;
  tunnel = false;
  /** Framing headers, noted once while parsing (joined when repeated). */
  contentLength: string | undefined = undefined;
  transferEncoding: string | undefined = undefined;
  upgrade = false;
  /** A request line that is not HTTP/1.x, kept because a server may still answer it. */
  malformed = false;
  constructor(
    public httpVersion: string,
    public headers: Header[] = [],
  ) {}

  /** A new message with this one's head: start line, headers (a new list of the same objects), framing. */
  sameHead(): Head {
    const h = new Head(this.httpVersion, this.headers === NO_HEADERS ? NO_HEADERS : this.headers.slice());
    h.method = this.method;
    h.target = this.target;
    h.status = this.status;
    h.reason = this.reason;
    h.contentLength = this.contentLength;
    h.transferEncoding = this.transferEncoding;
    h.upgrade = this.upgrade;
    h.malformed = this.malformed;
    return h;
  }
}

export type Kind = 'request' | 'response';

const LF = 10;
const CR = 13;
const SP = 32;

/** Header bytes are usually ASCII; UTF-8 when valid, else Latin-1 so no byte is lost. */
export function decodeHeaderBytes(b: Buffer, start = 0, end = b.length): string {
  // Latin-1 first: for ASCII (the usual case) it is the answer.
  return headerText(b, start, end, (b as LatinSlicer).latin1Slice(start, end));
}

/** decodeHeaderBytes given the bytes' Latin-1 reading. */
export function headerText(b: Buffer, start: number, end: number, latin1: string): string {
  // Every character past 0x7f takes two bytes in UTF-8: equal lengths say ASCII, in one native call
  // (a regex scan for [\u0080-\u00ff] cost five times more).
  if (Buffer.byteLength(latin1, 'utf8') === latin1.length) return latin1;
  const text = b.toString('utf8', start, end);
  // U+FFFD marks invalid UTF-8 (or a literal U+FFFD, rare: Latin-1 keeps that lossless too)
  return text.includes('\uFFFD') ? latin1 : text;
}

/** Buffer's own range decoder, without toString's argument checks (it is on every message's path). */
export type LatinSlicer = Buffer & { latin1Slice(start: number, end: number): string };

export function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === CR ? line.slice(0, -1) : line;
}

/**
 * The version at text[at..at+8), as a shared constant for the usual two, or undefined. `anyCase`: the
 * "HTTP" of a status line in any case ("http/1.1 200 OK"), recorded as "HTTP/1.x". Browsers read it
 * case-insensitively (so the client got its answer) and Zeek logs such an exchange with a weird; a
 * request line keeps the exact form (an odd one is kept as malformed, see malformed.ts). After lost
 * bytes, resync.ts looks for the upper-case form only.
 */
function versionAt(text: string, at: number, anyCase = false): string | undefined {
  if (!text.startsWith('HTTP/1.', at) && !(anyCase && text.slice(at, at + 7).toUpperCase() === 'HTTP/1.')) return undefined;
  const minor = text.charCodeAt(at + 7);
  if (minor === 49) return 'HTTP/1.1';
  if (minor === 48) return 'HTTP/1.0';
  return minor > 49 && minor <= 57 ? `HTTP/1.${text[at + 7]}` : undefined;
}

// tchar (RFC 9110 §5.6.2): ! # $ % & ' * + - . ^ _ ` | ~ DIGIT ALPHA
export const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

function isToken(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (TCHAR[text.charCodeAt(i)] !== 1) return false;
  return true;
}

/** No whitespace (any the /\s/ class knows) in text[from..to). */
function noSpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c <= 32 ? c === 32 || (c >= 9 && c <= 13) : c >= 0x80 && /\s/.test(text[i]!)) return false;
  }
  return true;
}

/** Parses a start line (without its line ending); undefined when it is not one of `kind`. */
export function parseStartLine(kind: Kind, line: string): Head | undefined {
  return startLine(kind, line, line.length);
}

/** parseStartLine on text[0..end), CR excluded by the caller; no intermediate strings are made. */
function startLine(kind: Kind, text: string, end: number): Head | undefined {
  if (kind === 'request') {
    const sp1 = text.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
    if (sp1 < 1 || sp1 > 24 || sp2 < 0 || sp2 >= end || sp2 === sp1 + 1 || end - sp2 !== 9) return undefined;
    const version = versionAt(text, sp2 + 1);
    if (!version || !isToken(text, 0, sp1) || !noSpace(text, sp1 + 1, sp2)) return undefined;
    const head = new Head(version);
    head.method = text.slice(0, sp1);
    head.target = text.slice(sp1 + 1, sp2);
    return head;
  }
  const version = end >= 12 ? versionAt(text, 0, true) : undefined;
  if (!version || text.charCodeAt(8) !== SP || (end > 12 && text.charCodeAt(12) !== SP)) return undefined;
  const d0 = text.charCodeAt(9) - 48;
  const d1 = text.charCodeAt(10) - 48;
  const d2 = text.charCodeAt(11) - 48;
  if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return undefined;
  const head = new Head(version);
  head.status = d0 * 100 + d1 * 10 + d2;
  head.reason = end <= 13 ? '' : end === 15 && text.startsWith('OK', 13) ? 'OK' : text.slice(13, end);
  return head;
}

/**
 * Where the header section starting at `from` ends (index just past the blank line), or -1 when it
 * does not end before `end`. Accepts CRLF and bare LF line endings, as servers and clients in the wild
 * send both.
 */
export function findHeadEnd(buf: Buffer, from: number, end = buf.length): number {
  let lf = buf.indexOf(LF, from);
  while (lf >= 0 && lf < end) {
    const next = lf + 1;
    if (next < end && buf[next] === LF) return next + 1;
    if (next + 1 < end && buf[next] === CR && buf[next + 1] === LF) return next + 2;
    if (next >= end || (next + 1 >= end && buf[next] === CR)) return -1;
    lf = buf.indexOf(LF, next);
  }
  return -1;
}

/** Summary heads have no header list: one shared, frozen, so nothing can add to it by mistake. */
export const NO_HEADERS: Header[] = Object.freeze([]) as unknown as Header[];

/** A summary parse's framing headers, noted and then forgotten. */
const framingScratch: Header[] = [];

/**
 * Parses a whole head buf[start..end) (end just past the blank line); undefined when malformed.
 * `summary` (listings): the same parse, accepting and rejecting the same heads, but the head keeps no
 * header list (NO_HEADERS), only what the framing headers say.
 */
export function parseHead(kind: Kind, buf: Buffer, start: number, end: number, summary = false): Head | undefined {
  return parseHeadText(kind, decodeHeaderBytes(buf, start, end), summary);
}

/** Parses as much of a head as is there: the start line and every complete header line. */
export function parseHeadText(kind: Kind, text: string, summary = false): Head | undefined {
  const nl = text.indexOf('\n');
  let lineEnd = nl < 0 ? text.length : nl;
  if (lineEnd > 0 && text.charCodeAt(lineEnd - 1) === CR) lineEnd--;
  const head = startLine(kind, text, lineEnd);
  if (!head) return undefined;
  const into = summary ? framingScratch : head.headers;
  // Setting the length of an array that is already empty showed in profiles (a runtime call per head).
  if (into.length !== 0) into.length = 0;
  if (nl >= 0 && !splitHeaderLines(text, nl + 1, into, summary)) return undefined;
  noteFraming(head, into);
  if (summary) {
    head.headers = NO_HEADERS;
    into.length = 0;
  }
  return head;
}
