import type { Header } from '../../exchange.js';
import type { Head } from './head.js';

// Header lines of a head: checked and scanned for framing when the head is parsed, split into
// name/value pairs later (Head.headers) or at once when a folded line makes values span lines.

const CR = 13;
const SP = 32;

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
  const nameEnd = trimEnd(text, from, colon);
  const v = trimStart(text, colon + 1, to);
  into.push({ name: text.slice(from, nameEnd), value: text.slice(v, trimEnd(text, v, to)) });
  return true;
}

function trimStart(text: string, from: number, to: number): number {
  while (from < to && isWs(text.charCodeAt(from))) from++;
  return from;
}

function trimEnd(text: string, from: number, to: number): number {
  while (to > from && isWs(text.charCodeAt(to - 1))) to--;
  return to;
}

export function parseHeaderLines(lines: string[], into: Header[]): boolean {
  for (const line of lines) if (!headerLine(line, 0, line.length, into)) return false;
  return true;
}

/** Splits the header lines text[from..] (each valid) into `into`. */
export function splitHeaderLines(text: string, from: number, into: Header[]): boolean {
  for (let nl = from - 1; ; ) {
    const at = nl + 1;
    nl = text.indexOf('\n', at);
    if (!headerLine(text, at, nl < 0 ? text.length : nl, into)) return false;
    if (nl < 0) return true;
  }
}

const join = (a: string | undefined, b: string): string => (a === undefined ? b : `${a}, ${b}`);

/** Is `name` equal to the lower-case `lower`, in any case? The usual spellings need no new string. */
const named = (name: string, lower: string, usual: string): boolean => name === usual || name === lower || name.toLowerCase() === lower;

/** Notes a framing header (name text[from..nameEnd), value after `colon` up to `to`), by name length first. */
function noteFraming(head: Head, text: string, from: number, nameEnd: number, colon: number, to: number): void {
  const n = nameEnd - from;
  if (n !== 14 && n !== 17 && n !== 7) return;
  const name = text.slice(from, nameEnd);
  const value = (): string => {
    const v = trimStart(text, colon + 1, to);
    return text.slice(v, trimEnd(text, v, to));
  };
  if (n === 14) {
    if (named(name, 'content-length', 'Content-Length')) head.contentLength = join(head.contentLength, value());
  } else if (n === 17) {
    if (named(name, 'transfer-encoding', 'Transfer-Encoding')) head.transferEncoding = join(head.transferEncoding, value());
  } else if (named(name, 'upgrade', 'Upgrade')) head.upgrade = true;
}

/**
 * Checks the header lines text[from..] and notes the framing headers on `head`, without making a string
 * per header; false when a line is malformed (no colon, an empty name, a continuation with nothing before).
 */
export function scanHeaderLines(text: string, from: number, head: Head): boolean {
  let seen = false;
  for (let nl = from - 1; ; ) {
    const at = nl + 1;
    nl = text.indexOf('\n', at);
    let to = nl < 0 ? text.length : nl;
    if (to > at && text.charCodeAt(to - 1) === CR) to--;
    if (to > at) {
      // A folded line continues the previous value: framing must see the joined value, so split now.
      if (isWs(text.charCodeAt(at))) return seen && splitFolded(text, from, head);
      const colon = text.indexOf(':', at);
      if (colon <= at || colon >= to) return false;
      noteFraming(head, text, at, trimEnd(text, at, colon), colon, to);
      seen = true;
    }
    if (nl < 0) break;
  }
  head.deferHeaders(text, from);
  return true;
}

function splitFolded(text: string, from: number, head: Head): boolean {
  const list: Header[] = [];
  if (!splitHeaderLines(text, from, list)) return false;
  head.contentLength = head.transferEncoding = undefined;
  head.upgrade = false;
  head.headers = list;
  for (const h of list) noteFraming(head, `${h.name}:${h.value}`, 0, h.name.length, h.name.length, h.name.length + 1 + h.value.length);
  return true;
}
