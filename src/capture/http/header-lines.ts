import type { Header } from '../../exchange.js';
import type { Head } from './head.js';

// Header lines: split into name/value pairs as on the wire (obs-fold joined), framing headers noted.

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

/** Splits the header lines text[from..] into `into`; false when one is malformed. */
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

/** One pass, lower-casing only names of the right length: framing is decided per message. */
export function noteFraming(head: Head): void {
  for (const h of head.headers) {
    const n = h.name.length;
    if (n === 14) {
      if (named(h.name, 'content-length', 'Content-Length')) head.contentLength = join(head.contentLength, h.value);
    } else if (n === 17) {
      if (named(h.name, 'transfer-encoding', 'Transfer-Encoding')) head.transferEncoding = join(head.transferEncoding, h.value);
    } else if (n === 7 && named(h.name, 'upgrade', 'Upgrade')) head.upgrade = true;
  }
}
