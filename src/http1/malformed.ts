import { decodeHeaderBytes, Head, NO_HEADERS } from './head.js';
import { noteFraming, parseHeaderLines } from './header-lines.js';

// Requests whose request line is not HTTP/1.x ("GET /uri afterspace HTTP/1.1", "GET / HTTP/1.",
// "OPTIONS HTTP/1.1", a bare "OPTIONS"): servers answer them (usually 400) and keep reading, so a
// capture that dropped them would lose the exchange and pair the answer with the next request.

const CR = 13;
const SP = 32;
const TAB = 9;
const MAX_METHOD = 24;
const MAX_LINE = 8 * 1024;

/**
 * Does buf[start..lf) start like a request a client meant to send? An upper-case method token
 * ("CCM_POST") ending the line or followed by a space, then printable ASCII only. Upper case keeps
 * text from the middle of a body (a capture that starts mid-connection) from passing for a request.
 */
export function looksLikeRequestLine(buf: Buffer, start: number, lf: number): boolean {
  if (lf - start > MAX_LINE) return false;
  let i = start;
  const first = buf[i]!;
  if (!(first >= 65 && first <= 90)) return false;
  while (i < lf && i - start < MAX_METHOD && isMethodChar(buf[i]!)) i++;
  const end = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
  if (i !== end && buf[i] !== SP) return false;
  for (; i < end; i++) {
    const c = buf[i]!;
    if ((c < SP && c !== TAB) || c >= 0x7f) return false;
  }
  return true;
}

function isMethodChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/**
 * The head buf[start..end) (end just past the blank line) as a request flagged `malformed`: method
 * and target are the first two fields of the line (target "" when there is none), the version its
 * last field when that names one. A request line that is well-formed but followed by a line that is
 * not a header comes here too: it is kept, flagged, without that line.
 */
export function parseMalformedRequest(buf: Buffer, start: number, end: number, summary: boolean): Head {
  const text = decodeHeaderBytes(buf, start, end);
  const nl = text.indexOf('\n');
  const line = text.slice(0, nl < 0 ? text.length : nl).replace(/\r$/, '');
  const fields = line.split(/[ \t]+/).filter((f) => f !== '');
  const last = fields[fields.length - 1]!;
  const head = new Head(fields.length > 1 && last.startsWith('HTTP/') ? last : '');
  head.method = fields[0]!;
  head.target = fields[1] ?? '';
  head.malformed = true;
  // Lines that are not headers either ("Mozilla 4.0 (compatible…)" with no colon) are left out.
  if (nl >= 0) for (const l of text.slice(nl + 1).split('\n')) parseHeaderLines([l], head.headers);
  noteFraming(head);
  if (summary) head.headers = NO_HEADERS;
  return head;
}
