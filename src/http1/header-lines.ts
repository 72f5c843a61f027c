import type { Header } from '../exchange.js';
import type { Head } from './head.js';

// Header lines: split into name/value pairs as on the wire (obs-fold joined), framing headers noted.
// The one header-line parser: in summary mode (listings) it reads every line alike, accepting and
// rejecting exactly the same heads, but keeps only the framing headers (no string per other header).

const CR = 13;
const SP = 32;

const isWs = (c: number): boolean => c === SP || c === 9;

/** Per split: whether a header line was seen, and whether the last one was kept (a fold extends it). */
let seen = false;
let lastKept = false;

/** Parses the header line text[from..to) (line ending excluded) into `into`; obs-fold joins a continuation. */
function headerLine(text: string, from: number, to: number, into: Header[], summary: boolean): boolean {
  if (to > from && text.charCodeAt(to - 1) === CR) to--;
  if (to === from) return true;
  if (isWs(text.charCodeAt(from))) {
    if (!seen) return false;
    if (!lastKept) return true;
    // A new Header in place of the last: a parsed one may be shared by later messages (head-memo.ts).
    const prev = into[into.length - 1]!;
    const more = text.slice(from, to).trim();
    into[into.length - 1] = { name: prev.name, value: prev.value === '' ? more : `${prev.value} ${more}` };
    return true;
  }
  const colon = text.indexOf(':', from);
  if (colon <= from || colon >= to) return false;
  const nameEnd = trimEnd(text, from, colon);
  seen = true;
  const n = nameEnd - from;
  lastKept = !summary || ((n === 14 || n === 17 || n === 7) && isFramingName(text.slice(from, nameEnd)));
  if (!lastKept) return true;
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
  seen = into.length > 0;
  lastKept = seen;
  for (const line of lines) if (!headerLine(line, 0, line.length, into, false)) return false;
  return true;
}

/** Splits the header lines text[from..] into `into` (in summary mode: the framing ones only); false when one is malformed. */
export function splitHeaderLines(text: string, from: number, into: Header[], summary = false): boolean {
  seen = into.length > 0;
  lastKept = seen;
  for (let nl = from - 1; ; ) {
    const at = nl + 1;
    nl = text.indexOf('\n', at);
    if (!headerLine(text, at, nl < 0 ? text.length : nl, into, summary)) return false;
    if (nl < 0) return true;
  }
}

const join = (a: string | undefined, b: string): string => (a === undefined ? b : `${a}, ${b}`);

/** Is `name` equal to the lower-case `lower`, in any case? The usual spellings need no new string. */
const named = (name: string, lower: string, usual: string): boolean => name === usual || name === lower || name.toLowerCase() === lower;

function isFramingName(name: string): boolean {
  const n = name.length;
  if (n === 14) return named(name, 'content-length', 'Content-Length');
  if (n === 17) return named(name, 'transfer-encoding', 'Transfer-Encoding');
  return n === 7 && named(name, 'upgrade', 'Upgrade');
}

/** One pass over `headers` (the head's own by default), lower-casing only names of the right length: framing is decided per message. */
export function noteFraming(head: Head, headers: readonly Header[] = head.headers): void {
  for (const h of headers) {
    const n = h.name.length;
    if (n === 14) {
      if (named(h.name, 'content-length', 'Content-Length')) head.contentLength = join(head.contentLength, h.value);
    } else if (n === 17) {
      if (named(h.name, 'transfer-encoding', 'Transfer-Encoding')) head.transferEncoding = join(head.transferEncoding, h.value);
    } else if (n === 7 && named(h.name, 'upgrade', 'Upgrade')) head.upgrade = true;
  }
}
