// HTTP/1.x in summary mode, for the usual shapes only: what src/capture/http/{parser,head-summary,
// start-line-bytes,body-reader,framing}.ts make of them, and a bail for anything else.
import { Bail, bail, bailCode } from './state';
import { Flow, Half, resize } from './types';
import { onRequestHead, onRequestDone, onResponseDone, methodIsHead, requestInProgressEnds } from './pairing';

const LF: u8 = 10;
const CR: u8 = 13;
const SP: u8 = 32;
const TAB: u8 = 9;
const MAX_LINE: i32 = 8192;
const MAX_HEAD: i32 = 65536;

export const START: i32 = 0;
export const BODY: i32 = 1;
export const DONE: i32 = 2;

const LENGTH: i32 = 0;
const CHUNK_SIZE: i32 = 1;
const CHUNK_DATA: i32 = 2;
const CHUNK_END: i32 = 3;
const TRAILERS: i32 = 4;
const CLOSE: i32 = 5;

// During push(): bytes before `split` of the buffer came earlier (at splitTs), the rest at `ts`.
let split: i32 = 0;
let splitTs: i64 = 0;
let ts: i64 = 0;

@inline function at(buf: usize, i: i32): u8 {
  return load<u8>(buf + <usize>i);
}

@inline function tsAt(p: i32): i64 {
  return p < split ? splitTs : ts;
}

/** The first c in buf[from..end), 16 bytes at a time (SIMD) while whole blocks remain, or -1. */
function indexOf(buf: usize, from: i32, end: i32, c: u8): i32 {
  let i = from;
  const needle = i8x16.splat(<i8>c);
  for (; i + 16 <= end; i += 16) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(buf + <usize>i), needle));
    if (mask != 0) return i + ctz(mask);
  }
  for (; i < end; i++) if (at(buf, i) == c) return i;
  return -1;
}

/** In-order bytes of one direction (TcpStreamSink.data). */
export function push(flow: Flow, h: Half, data: usize, len: i32, now: i64): void {
  if (len == 0 || flow.sinkEnded) return;
  let buf = data;
  let n = len;
  split = 0;
  if (h.stashLen > 0) {
    reserveStash(h, h.stashLen + len);
    memory.copy(h.stash + <usize>h.stashLen, data, <usize>len);
    buf = h.stash;
    n = h.stashLen + len;
    split = h.stashLen;
    splitTs = h.stashTs;
    h.stashLen = 0;
  }
  ts = now;
  let pos = 0;
  while (pos < n && bailCode == 0) {
    let next: i32;
    if (h.state == START) next = startMessage(flow, h, buf, pos, n);
    else if (h.state == BODY) next = bodyStep(flow, h, buf, pos, n);
    else return; // done: the JS parser counts these bytes as non-HTTP
    if (next < 0) return;
    pos = next;
  }
}

function reserveStash(h: Half, n: i32): void {
  if (n <= h.stashCap) return;
  let cap = h.stashCap < 256 ? 256 : h.stashCap;
  while (cap < n) cap <<= 1;
  h.stash = resize(h.stash, <usize>cap);
  h.stashCap = cap;
}

function stash(h: Half, buf: usize, pos: i32, n: i32): i32 {
  const len = n - pos;
  if (len <= 0) return -1;
  h.stashTs = tsAt(pos);
  if (buf == h.stash) memory.copy(h.stash, h.stash + <usize>pos, <usize>len);
  else {
    reserveStash(h, len);
    memory.copy(h.stash, buf + <usize>pos, <usize>len);
  }
  h.stashLen = len;
  return -1;
}

// What the head scan found: framing headers, and the start line's parts.
let hasLength = false;
let contentLength: i64 = 0;
let hasCoding = false;
let chunked = false;
let headEnd: i32 = 0;

function startMessage(flow: Flow, h: Half, buf: usize, pos: i32, n: i32): i32 {
  const lf = indexOf(buf, pos, n, LF);
  if (lf < 0) {
    if (n - pos > MAX_LINE) bail(Bail.Stash);
    return stash(h, buf, pos, n);
  }
  const lineEnd = lf > pos && at(buf, lf - 1) == CR ? lf - 1 : lf;
  if (!mayBeStartLine(h.isRequest, buf, pos, lineEnd)) {
    bail(Bail.Unusual);
    return -1;
  }
  const first = h.isRequest ? requestLine(buf, pos, lineEnd) : statusLine(buf, pos, lineEnd);
  if (first < 0) {
    bail(Bail.Unusual);
    return -1;
  }
  const scan = scanHeaders(buf, lf + 1, n, h.isRequest);
  if (scan < 0) {
    if (scan == -2) {
      if (n - pos > MAX_HEAD) bail(Bail.Stash);
      return stash(h, buf, pos, n);
    }
    bail(scan == -3 ? Bail.Tunnel : Bail.Unusual);
    return -1;
  }
  if (h.isRequest) beginRequest(flow, h, buf, pos, first, lineEnd);
  else beginResponse(flow, h, pos, first);
  return headEnd;
}

/** mayBeStartLine (resync.ts) on buf[start..e), the line without its CR. */
function mayBeStartLine(isRequest: i32, buf: usize, start: i32, e: i32): bool {
  if (e - start < 12) return false;
  const a = isRequest ? e - 9 : start;
  if (isRequest ? at(buf, a) != SP : at(buf, a + 8) != SP) return false;
  return isHttp1(buf, isRequest ? a + 1 : a);
}

@inline function isHttp1(buf: usize, h: i32): bool {
  // "HTTP/1."
  return at(buf, h) == 72 && at(buf, h + 1) == 84 && at(buf, h + 2) == 84 && at(buf, h + 3) == 80 && at(buf, h + 4) == 47 && at(buf, h + 5) == 49 && at(buf, h + 6) == 46;
}

@inline function knownVersion(buf: usize, h: i32): bool {
  if (!isHttp1(buf, h)) return false;
  const minor = at(buf, h + 7);
  return minor == 49 || minor == 48;
}

function isTchar(c: u8): bool {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
  // ! # $ % & ' * + - . ^ _ ` | ~
  return c == 33 || (c >= 35 && c <= 39) || c == 42 || c == 43 || c == 45 || c == 46 || c == 94 || c == 95 || c == 96 || c == 124 || c == 126;
}

/** scanRequestLine: returns the offset of the space after the method, or -1. */
function requestLine(buf: usize, start: i32, end: i32): i32 {
  let sp1 = start;
  while (sp1 < end && sp1 - start <= 24 && isTchar(at(buf, sp1))) sp1++;
  const sp2 = end - 9;
  if (sp1 == start || sp1 - start > 24 || at(buf, sp1) != SP || sp2 <= sp1 + 1 || at(buf, sp2) != SP) return -1;
  if (!knownVersion(buf, sp2 + 1)) return -1;
  for (let i = sp1 + 1; i < sp2; i++) {
    const c = at(buf, i);
    if (c <= SP || c >= 0x7f) return -1;
  }
  return sp1;
}

/** scanStatusLine: returns the status, or -1. */
function statusLine(buf: usize, start: i32, end: i32): i32 {
  const n = end - start;
  if (n < 12 || !knownVersion(buf, start) || at(buf, start + 8) != SP || (n > 12 && at(buf, start + 12) != SP)) return -1;
  const d0 = <i32>at(buf, start + 9) - 48;
  const d1 = <i32>at(buf, start + 10) - 48;
  const d2 = <i32>at(buf, start + 11) - 48;
  if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return -1;
  for (let i = start + 13; i < end; i++) if (at(buf, i) >= 0x80) return -1;
  return d0 * 100 + d1 * 10 + d2;
}

/**
 * scanHeadSummary's header loop from `from`: sets headEnd and the framing notes and returns 0, or
 * -2 when the head is not complete yet, -3 for an Upgrade request, -1 for anything unusual.
 */
function scanHeaders(buf: usize, from: i32, n: i32, isRequest: i32): i32 {
  hasLength = false;
  hasCoding = false;
  chunked = false;
  contentLength = 0;
  for (let a = from; ; ) {
    if (a >= n) return -2;
    const c = at(buf, a);
    if (c == LF || (c == CR && a + 1 < n && at(buf, a + 1) == LF)) {
      headEnd = a + (c == LF ? 1 : 2);
      return 0;
    }
    const nl = indexOf(buf, a, n, LF);
    if (nl < 0) return -2;
    if (c == SP || c == TAB || c == CR) return -1;
    const to = at(buf, nl - 1) == CR ? nl - 1 : nl;
    const colon = indexOf(buf, a, n, 58);
    if (colon <= a || colon >= to) return -1;
    let nameEnd = colon;
    while (nameEnd > a && (at(buf, nameEnd - 1) == SP || at(buf, nameEnd - 1) == TAB)) nameEnd--;
    const noted = noteFraming(buf, a, nameEnd, colon + 1, to, isRequest);
    if (noted < 0) return noted;
    a = nl + 1;
  }
  return -1; // not reached
}

function sameLower(buf: usize, from: i32, lower: string): bool {
  for (let i = 0; i < lower.length; i++) {
    let c = <i32>at(buf, from + i);
    if (c >= 65 && c <= 90) c |= 32;
    if (c != lower.charCodeAt(i)) return false;
  }
  return true;
}

function noteFraming(buf: usize, from: i32, nameEnd: i32, valueFrom: i32, to: i32, isRequest: i32): i32 {
  const n = nameEnd - from;
  if (n == 7 && sameLower(buf, from, 'upgrade')) return isRequest ? -3 : 0; // only a request asks for a tunnel
  const isLength = n == 14 && sameLower(buf, from, 'content-length');
  if (!isLength && !(n == 17 && sameLower(buf, from, 'transfer-encoding'))) return 0;
  let v = valueFrom;
  while (v < to && (at(buf, v) == SP || at(buf, v) == TAB)) v++;
  let e = to;
  while (e > v && (at(buf, e - 1) == SP || at(buf, e - 1) == TAB)) e--;
  for (let i = v; i < e; i++) if (at(buf, i) >= 0x80) return -1;
  if (isLength) {
    // Repeated or not a plain decimal: framing.ts's list rules decide; not here.
    if (hasLength || e - v < 1 || e - v > 15) return -1;
    let x: i64 = 0;
    for (let i = v; i < e; i++) {
      const d = <i32>at(buf, i) - 48;
      if (d < 0 || d > 9) return -1;
      x = x * 10 + <i64>d;
    }
    hasLength = true;
    contentLength = x;
    return 0;
  }
  if (hasCoding) return -1;
  hasCoding = true;
  chunked = endsChunked(buf, v, e);
  return 0;
}

/** endsChunked: the last comma-separated coding, trimmed, is "chunked" in any case. */
function endsChunked(buf: usize, v: i32, e: i32): bool {
  let s = v;
  for (let i = e - 1; i >= v; i--) {
    if (at(buf, i) == 44) {
      s = i + 1;
      break;
    }
  }
  while (s < e && isJsSpace(at(buf, s))) s++;
  while (e > s && isJsSpace(at(buf, e - 1))) e--;
  return e - s == 7 && sameLower(buf, s, 'chunked');
}

@inline function isJsSpace(c: u8): bool {
  return c == SP || (c >= 9 && c <= 13);
}

/** The request line is buf[pos..lineEnd); the method ends at sp1. */
function beginRequest(flow: Flow, h: Half, buf: usize, pos: i32, sp1: i32, lineEnd: i32): void {
  const methodLen = sp1 - pos;
  if (methodLen == 7 && sameExact(buf, pos, 'CONNECT')) {
    bail(Bail.Tunnel);
    return;
  }
  if (hasCoding && !chunked) {
    bail(Bail.Unusual); // framing.ts reads such a request to the close
    return;
  }
  const isHead = methodLen == 4 && sameExact(buf, pos, 'HEAD');
  onRequestHead(flow, buf, pos, sp1, lineEnd - 9, tsAt(pos), ts, isHead);
  if (bailCode != 0) return;
  if (hasCoding) startBody(h, CHUNK_SIZE, 0);
  else if (hasLength && contentLength > 0) startBody(h, LENGTH, contentLength);
  else complete(flow, h);
}

function sameExact(buf: usize, from: i32, s: string): bool {
  for (let i = 0; i < s.length; i++) if (<i32>at(buf, from + i) != s.charCodeAt(i)) return false;
  return true;
}

function beginResponse(flow: Flow, h: Half, pos: i32, status: i32): void {
  h.msgFirstUs = tsAt(pos);
  h.msgStatus = status;
  if (status == 101) {
    bail(Bail.Tunnel);
    return;
  }
  if (methodIsHead(flow) || (status >= 100 && status < 200) || status == 204 || status == 304) complete(flow, h);
  else if (hasCoding && chunked) startBody(h, CHUNK_SIZE, 0);
  else if (hasLength) {
    if (contentLength > 0) startBody(h, LENGTH, contentLength);
    else complete(flow, h);
  } else startBody(h, CLOSE, 0);
}

function startBody(h: Half, kind: i32, length: i64): void {
  h.state = BODY;
  h.body = kind;
  h.remaining = length;
}

function complete(flow: Flow, h: Half): void {
  h.state = START;
  if (h.isRequest) onRequestDone(flow);
  else onResponseDone(flow, h.msgFirstUs, h.msgStatus);
}

// Set by bodyRead: it stopped at a partial line that needs the next bytes.
let waiting = false;

function bodyStep(flow: Flow, h: Half, buf: usize, pos: i32, n: i32): i32 {
  const next = bodyRead(h, buf, pos, n);
  if (bailCode != 0) return -1;
  if (next > pos && h.isRequest) requestInProgressEnds(flow, ts);
  if (waiting) return stash(h, buf, next, n);
  if (h.body == -1) complete(flow, h); // done
  return next;
}

/** BodyReader.read: consumes body bytes from buf[pos..n); sets h.body to -1 when the body is done. */
function bodyRead(h: Half, buf: usize, pos: i32, n: i32): i32 {
  waiting = false;
  while (pos < n && h.body != -1) {
    const b = h.body;
    if (b == LENGTH || b == CHUNK_DATA || b == CLOSE) {
      const avail = <i64>(n - pos);
      const take = b == CLOSE || avail < h.remaining ? avail : h.remaining;
      pos += <i32>take;
      if (b != CLOSE) {
        h.remaining -= take;
        if (h.remaining == 0) h.body = b == LENGTH ? -1 : CHUNK_END;
      }
    } else if (b == CHUNK_END) {
      const c = at(buf, pos);
      if (c == CR && pos + 1 >= n) {
        waiting = true;
        break;
      }
      h.body = CHUNK_SIZE;
      pos += c == CR && at(buf, pos + 1) == LF ? 2 : c == LF || c == CR ? 1 : 0;
    } else {
      const lf = indexOf(buf, pos, n, LF);
      if (lf < 0) {
        if (n - pos <= MAX_LINE) waiting = true;
        else bail(Bail.Unusual); // malformed: the JS parser ends the message and resyncs
        break;
      }
      if (b == TRAILERS) {
        const e = lf > pos && at(buf, lf - 1) == CR ? lf - 1 : lf;
        if (e == pos) h.body = -1;
      } else {
        const size = chunkSize(buf, pos, lf);
        if (size < 0) {
          bail(Bail.Unusual);
          break;
        }
        h.remaining = size;
        h.body = size == 0 ? TRAILERS : CHUNK_DATA;
      }
      pos = lf + 1;
    }
  }
  return pos;
}

/** A chunk-size line as body-reader.ts reads it (extensions after ";", trimmed, 1–13 hex digits), or -1. */
function chunkSize(buf: usize, from: i32, lf: i32): i64 {
  let e = indexOf(buf, from, lf, 59);
  if (e < 0) e = lf;
  let s = from;
  for (let i = from; i < e; i++) if (at(buf, i) >= 0x80) return -1; // \xa0 is space to String.trim
  while (s < e && isJsSpace(at(buf, s))) s++;
  while (e > s && isJsSpace(at(buf, e - 1))) e--;
  if (e - s < 1 || e - s > 13) return -1;
  let x: i64 = 0;
  for (let i = s; i < e; i++) {
    const c = <i32>at(buf, i);
    let d: i32;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    x = x * 16 + <i64>d;
  }
  return x;
}

/** MessageParser.finish: the direction ended; `clean` (FIN/RST) completes a close-delimited body. */
export function finish(flow: Flow, h: Half, now: i64): void {
  if (h.state == BODY && h.body == CLOSE) complete(flow, h);
  else if (h.state == START) {
    if (h.stashLen > 0) bail(Bail.PartialHead);
  } else if (h.state == BODY) {
    h.stashLen = 0;
    if (h.isRequest) requestInProgressEnds(flow, now);
    complete(flow, h);
  }
  h.state = DONE;
}

/**
 * MessageParser.gap: `missing` bytes never arrived. Inside a body of known length the framing survives;
 * between messages only the pairing goes on (the JS flags, not printed, say so); anything else would
 * need a resync, and the lane bails.
 */
export function gap(flow: Flow, h: Half, missing: i64, now: i64): void {
  if (flow.sinkEnded) return;
  if (h.state == BODY && h.stashLen == 0 && bodyGap(h, missing)) {
    if (h.isRequest) requestInProgressEnds(flow, now);
    if (h.body == -1) complete(flow, h);
  } else if (h.state == BODY) {
    // abort(gap): the message ends where the bytes stopped
    h.stashLen = 0;
    if (h.isRequest) requestInProgressEnds(flow, now);
    complete(flow, h);
  } else if (h.state == START && h.stashLen > 0) bail(Bail.PartialHead);
}

/** BodyReader.gap: true when the hole fell inside a run of known length (or a body read to the close). */
function bodyGap(h: Half, missing: i64): bool {
  const b = h.body;
  if (b == CLOSE) return true;
  if ((b != LENGTH && b != CHUNK_DATA) || missing > h.remaining) return false;
  h.remaining -= missing;
  if (h.remaining == 0) h.body = b == LENGTH ? -1 : CHUNK_END;
  return true;
}
