import { isAscii } from 'node:buffer';
import type { Body, Header } from '../../exchange.js';

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
  headers: Header[] = [];
  /** Framing headers, noted once while parsing (joined when repeated). */
  contentLength: string | undefined = undefined;
  transferEncoding: string | undefined = undefined;
  upgrade = false;
  constructor(public httpVersion: string) {}
}

export type Kind = 'request' | 'response';

const LF = 10;
const CR = 13;
const SP = 32;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const STATUS = /^[0-9]{3}$/;

/** Header bytes are usually ASCII; UTF-8 when valid, else Latin-1 so no byte is lost. */
export function decodeHeaderBytes(b: Buffer, start = 0, end = b.length): string {
  if (isAscii(b.subarray(start, end))) return b.toString('latin1', start, end);
  const text = b.toString('utf8', start, end);
  // U+FFFD marks invalid UTF-8 (or a literal U+FFFD, rare: Latin-1 keeps that lossless too)
  return text.includes('\uFFFD') ? b.toString('latin1', start, end) : text;
}

export function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === CR ? line.slice(0, -1) : line;
}

function isVersion(v: string): boolean {
  return v.length === 8 && v.startsWith('HTTP/1.') && v.charCodeAt(7) >= 48 && v.charCodeAt(7) <= 57;
}

/** Parses a start line (without its line ending); undefined when it is not one of `kind`. */
export function parseStartLine(kind: Kind, line: string): Head | undefined {
  if (kind === 'request') {
    // hand-split: this runs once per request and a regex match array is measurable there
    const sp1 = line.indexOf(' ');
    const sp2 = line.indexOf(' ', sp1 + 1);
    if (sp1 < 1 || sp1 > 24 || sp2 < 0 || sp2 === sp1 + 1 || line.indexOf(' ', sp2 + 1) >= 0) return undefined;
    const version = line.slice(sp2 + 1);
    const method = line.slice(0, sp1);
    if (!isVersion(version) || !TOKEN.test(method) || /\s/.test(line.slice(sp1 + 1, sp2))) return undefined;
    const head = new Head(version);
    head.method = method;
    head.target = line.slice(sp1 + 1, sp2);
    return head;
  }
  const version = line.slice(0, 8);
  if (!isVersion(version) || line.charCodeAt(8) !== SP || !STATUS.test(line.slice(9, 12)) || (line.length > 12 && line.charCodeAt(12) !== SP)) return undefined;
  const head = new Head(version);
  head.status = Number(line.slice(9, 12));
  head.reason = line.slice(13);
  return head;
}

/**
 * Where the header section starting at `from` ends (index just past the blank line), or -1.
 * Accepts CRLF and bare LF line endings, as servers and clients in the wild send both.
 */
export function findHeadEnd(buf: Buffer, from: number): number {
  let lf = buf.indexOf(LF, from);
  while (lf >= 0) {
    const next = lf + 1;
    if (next < buf.length && buf[next] === LF) return next + 1;
    if (next + 1 < buf.length && buf[next] === CR && buf[next + 1] === LF) return next + 2;
    if (next >= buf.length || (next + 1 >= buf.length && buf[next] === CR)) return -1;
    lf = buf.indexOf(LF, next);
  }
  return -1;
}

const isWs = (c: number): boolean => c === SP || c === 9;

/** Parses the header line text[from..to) (line ending excluded) into `into`; obs-fold joins a continuation. */
function headerLine(text: string, from: number, to: number, into: Header[]): boolean {
  if (to > from && text.charCodeAt(to - 1) === CR) to--;
  if (to === from) return true;
  if (isWs(text.charCodeAt(from))) {
    const prev = into[into.length - 1];
    if (!prev) return false;
    const more = text.slice(from, to).trim();
    prev.value = prev.value === '' ? more : `${prev.value} ${more}`;
    return true;
  }
  const colon = text.indexOf(':', from);
  if (colon <= from || colon >= to) return false;
  let nameEnd = colon;
  while (nameEnd > from && isWs(text.charCodeAt(nameEnd - 1))) nameEnd--;
  let v = colon + 1;
  while (v < to && isWs(text.charCodeAt(v))) v++;
  let vEnd = to;
  while (vEnd > v && isWs(text.charCodeAt(vEnd - 1))) vEnd--;
  into.push({ name: text.slice(from, nameEnd), value: text.slice(v, vEnd) });
  return true;
}

export function parseHeaderLines(lines: string[], into: Header[]): boolean {
  for (const line of lines) if (!headerLine(line, 0, line.length, into)) return false;
  return true;
}

const join = (a: string | undefined, b: string): string => (a === undefined ? b : `${a}, ${b}`);

/** One pass, lower-casing only names of the right length: framing is decided per message. */
function noteFraming(head: Head): void {
  for (const h of head.headers) {
    const n = h.name.length;
    if (n !== 14 && n !== 17 && n !== 7) continue;
    const lower = h.name.toLowerCase();
    if (lower === 'content-length') head.contentLength = join(head.contentLength, h.value);
    else if (lower === 'transfer-encoding') head.transferEncoding = join(head.transferEncoding, h.value);
    else if (lower === 'upgrade') head.upgrade = true;
  }
}

/** Parses a whole head buf[start..end) (end just past the blank line); undefined when malformed. */
export function parseHead(kind: Kind, buf: Buffer, start: number, end: number): Head | undefined {
  return parseHeadText(kind, decodeHeaderBytes(buf, start, end));
}

/** Parses as much of a head as is there: the start line and every complete header line. */
export function parseHeadText(kind: Kind, text: string): Head | undefined {
  let nl = text.indexOf('\n');
  const head = parseStartLine(kind, stripCr(nl < 0 ? text : text.slice(0, nl)));
  if (!head) return undefined;
  while (nl >= 0) {
    const from = nl + 1;
    nl = text.indexOf('\n', from);
    if (!headerLine(text, from, nl < 0 ? text.length : nl, head.headers)) return undefined;
  }
  noteFraming(head);
  return head;
}
