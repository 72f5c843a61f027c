import { Buffer } from 'node:buffer';
import type { Writable } from 'node:stream';
import { piece, writeRun, type JsonSink, type Piece, type Run, type Scalar } from './json-pieces.js';
import { asciiClean, cleanWord, escapedLength, escapesExtra, SHORT_ESCAPE, WordView } from './json-scan.js';

export const BATCH_BYTES = 64 * 1024;
// What JSON.stringify escapes: quote, backslash, control characters, (lone) surrogates.
// eslint-disable-next-line no-control-regex
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;
// Strings up to this long are copied (and escaped) a character at a time; longer, a native call is cheaper.
const SHORT = 24;
// Buffers kept for reuse (and written ones remembered until their writer gives them back): enough for
// what is in flight, a capture file stream's 1 MiB plus the pump's batch (~300 KB on bench.pcap). With 8,
// 56% of buffers were new ones, each 16 fresh pages to fault in (2.4k of a run's 16k faults).
const SPARE_MAX = 32;
// Pre-encoded text this long or longer is copied by TypedArray#set; shorter, eight bytes per store (the
// call's fixed cost; with eight-byte stores, 128 and 1024 measured no better, 1024 7% worse on bench.pcap).
const SET_FROM = 192;

/** Buffer's own UTF-8 writer: buf.write() checks and dispatches on its arguments first, a visible cost per call here. */
interface Utf8Writer {
  utf8Write(s: string, offset: number): number;
}
const utf8Write = (buf: Buffer, s: string, off: number): number => (buf as unknown as Utf8Writer).utf8Write(s, off);

// "00".."99" as little-endian 16-bit words: two digits per store.
const PAIRS = Uint16Array.from({ length: 100 }, (_, i) => (0x30 + ((i / 10) | 0)) | ((0x30 + (i % 10)) << 8));
const HEX = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]; // 0-9a-f, as JSON.stringify writes \u00XX

/** Bytes s can take in a string: 6 per character escaped by chars()'s short path, 3 per UTF-8 one. */
const roomFor = (s: string): number => (s.length <= SHORT ? 6 : 3) * s.length;

/** The ASCII character c at buf[o] as JSON.stringify writes it; the position after it. */
function escaped(buf: Buffer, o: number, c: number): number {
  if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
    buf[o++] = c;
    return o;
  }
  buf[o++] = 0x5c;
  const short = c >= 0x20 ? c : SHORT_ESCAPE[c];
  if (short !== undefined) {
    buf[o++] = short;
    return o;
  }
  buf[o++] = 0x75; // u00XX
  buf[o++] = 0x30;
  buf[o++] = 0x30;
  buf[o++] = HEX[c >> 4]!;
  buf[o++] = HEX[c & 15]!;
  return o;
}

/**
 * Capture lines as UTF-8 bytes written straight into 64 KiB buffers: no line string and no joined
 * batch string is built (at proxy rates those were most of the writer's garbage). Only whole lines
 * are handed out, so a crash never tears a line inside a batch.
 */
export class LineBytes implements JsonSink {
  private buf = newBuffer(BATCH_BYTES);
  private view = new WordView(this.buf);
  private off = 0; // end of what is written
  private line = 0; // start of the line being written
  private taken = 0; // start of what was not handed out yet
  private full: Buffer[] = []; // whole lines left in earlier buffers
  private replaced: Buffer[] = []; // earlier buffers, some of whose lines are in `full`
  private handedOut: Buffer[] = []; // earlier buffers whose lines were all handed out
  private readonly spare: Buffer[] = []; // buffers written out, to be filled again
  pending = 0; // bytes of whole lines not handed out yet
  private high = NaN; // whole()'s last digits down to the second, and their text
  private highText = piece('');

  raw(s: string): void {
    const n = s.length;
    if (this.off + 3 * n > this.buf.length) this.grow(3 * n);
    const { buf, off } = this;
    if (n <= SHORT) {
      // Short ASCII is copied here: a call into buf.write costs more than the copy.
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[off + i] = c;
      }
      if (i === n) return void (this.off = off + n);
    }
    this.off += utf8Write(buf, s, off);
  }

  piece(p: Piece): void {
    const b = p.bytes;
    const n = b.length;
    const { quads } = p;
    // Room for the padding too: it lands past the end of what is written, and what follows overwrites it.
    if (this.off + 8 * quads.length > this.buf.length) this.grow(8 * quads.length);
    const { buf, off } = this;
    this.off = off + n;
    if (n >= SET_FROM) return buf.set(b, off);
    // Eight bytes per store (DataView stores are inlined; unaligned is fine).
    const dv = this.view.data;
    for (let i = 0, o = off; i < quads.length; i++, o += 8) dv.setFloat64(o, quads[i]!, true);
  }

  run(r: Run, a: Scalar, b?: Scalar, c?: Scalar): void {
    const p = r.pieceOf(a, b, c);
    if (p !== undefined) this.piece(p);
    else writeRun(this, r, a, b, c);
  }

  str(s: string): void {
    this.need(roomFor(s) + 2);
    this.buf[this.off++] = 0x22;
    this.chars(s);
    this.need(1); // chars() may have filled the room through raw()
    this.buf[this.off++] = 0x22;
  }

  /** Room for n more bytes. */
  private need(n: number): void {
    if (this.off + n > this.buf.length) this.grow(n);
  }

  /** s's characters as JSON.stringify writes them inside quotes (room for roomFor(s) made by the caller). */
  private chars(s: string): void {
    const n = s.length;
    const { buf, off } = this;
    if (n <= SHORT) {
      // Short ASCII, escaped here as JSON.stringify escapes it: a quote in an ETag or a cookie no longer
      // costs a JSON.stringify call and a second copy.
      let o = off;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c < 0x80) buf[o++] = c;
        else if (c < 0x80) o = escaped(buf, o, c);
        else break; // not ASCII: the general path below
      }
      if (i === n) return void (this.off = o);
    }
    // Longer text (bodies) is encoded natively first, then checked: ASCII bytes four at a time (a regular
    // expression over the string cost three times as much), anything else by the expression. ASCII that
    // needs escapes (a body's newlines, a JSON body's quotes) is escaped where it was written.
    const end = off + utf8Write(buf, s, off);
    this.off = end;
    if (end - off === n) {
      if (!asciiClean(this.view, off, end)) this.escapeLast(n);
      return;
    }
    if (!ESCAPED.test(s)) return;
    this.off = off;
    const quoted = JSON.stringify(s);
    this.raw(quoted.slice(1, quoted.length - 1));
  }

  /**
   * The last n bytes written, all ASCII, escaped in place as JSON.stringify escapes them: moved back to
   * front, four at a time where a word needs no escape, until the bytes left are where they were.
   */
  private escapeLast(n: number): void {
    const extra = escapesExtra(this.view, this.off - n, this.off);
    this.need(extra); // a new buffer takes the line with these bytes
    const { buf } = this;
    const dv = this.view.data;
    const start = this.off - n;
    let r = this.off; // end of what is still to move
    let w = r + extra;
    while (w > r) {
      if (r - 4 >= start) {
        const x = dv.getUint32(r - 4, true);
        if (cleanWord(x)) {
          // Written after it was read: [w - 4, w) starts at or after r - 3.
          dv.setUint32(w - 4, x, true);
          r -= 4;
          w -= 4;
          continue;
        }
      }
      const c = buf[--r]!;
      const len = escapedLength(c);
      w -= len;
      if (len === 1) buf[w] = c;
      else escaped(buf, w, c);
    }
    this.off += extra;
  }

  num(v: number): void {
    // Integers (µs times, sizes, ports) and thousandths (HAR's millisecond times) digit by digit: with
    // at most 15 significant digits the shortest text of such a double is its plain decimal, which is
    // what JSON.stringify writes. Anything else goes through String().
    this.need(22);
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v) return this.whole(v); // -0 too: "0"
    const k = Math.round(v * 1000);
    if (!(Number.isSafeInteger(v) || (k / 1000 === v && Math.abs(k) < 1e15))) return this.raw(Number.isFinite(v) ? String(v) : 'null');
    if (v < 0) this.buf[this.off++] = 0x2d;
    if (Number.isSafeInteger(v)) return this.whole(-v);
    this.thousandths(Math.abs(k));
  }

  ms(us: number): void {
    const k = Math.round(us);
    if (!(k >= 0 && k < 1e15)) return this.num(k / 1000);
    this.need(22);
    this.thousandths(k);
  }

  /** k / 1000 for an integer 0 <= k < 1e15 (-0 too), as JSON.stringify writes it: the fraction without trailing zeros. */
  private thousandths(k: number): void {
    const whole = Math.floor(k / 1000);
    this.whole(whole);
    const f = (k - whole * 1000) | 0;
    if (f === 0) return;
    const { buf } = this;
    buf[this.off++] = 0x2e;
    buf[this.off++] = 0x30 + ((f / 100) | 0);
    if (f % 100 === 0) return;
    buf[this.off++] = 0x30 + (((f / 10) | 0) % 10);
    if (f % 10 !== 0) buf[this.off++] = 0x30 + (f % 10);
  }

  /** 0 <= x <= MAX_SAFE_INTEGER, an integer. */
  private whole(x: number): void {
    if (x < 1e9) return this.digits(x, 0);
    // Integers this large are µs times: their digits down to the second are an exchange's four times' and
    // the next exchanges' too, so they are kept as a piece while the second lasts.
    const high = Math.floor(x / 1e6);
    if (high !== this.high) {
      this.high = high;
      this.highText = piece(String(high));
    }
    this.piece(this.highText);
    this.digits(x - high * 1e6, 6);
  }

  /** 0 <= x < 1e9, written with at least `width` digits: two digits per store, from the last. */
  private digits(x: number, width: number): void {
    let rest = x | 0; // small integers: the arithmetic below stays out of floating point
    let n = rest < 1e4 ? (rest < 10 ? 1 : rest < 100 ? 2 : rest < 1e3 ? 3 : 4) : rest < 1e6 ? (rest < 1e5 ? 5 : 6) : rest < 1e7 ? 7 : rest < 1e8 ? 8 : 9;
    if (n < width) n = width;
    const { buf, off } = this;
    const dv = this.view.data;
    let i = off + n;
    this.off = i;
    for (; rest >= 100; rest = (rest / 100) | 0) {
      i -= 2;
      dv.setUint16(i, PAIRS[rest % 100]!, true);
    }
    if (rest >= 10) {
      i -= 2;
      dv.setUint16(i, PAIRS[rest]!, true);
    } else buf[--i] = 0x30 + rest;
    while (i > off) buf[--i] = 0x30;
  }

  endLine(): void {
    if (this.off + 1 > this.buf.length) this.grow(1);
    this.buf[this.off++] = 0x0a;
    this.pending += this.off - this.line;
    this.line = this.off;
  }

  /** Forgets the line being written (its entry could not be written whole). */
  dropLine(): void {
    this.off = this.line;
  }

  take(): Buffer[] {
    const out = this.full;
    if (this.line > this.taken) out.push(this.buf.subarray(this.taken, this.line));
    this.full = [];
    this.taken = this.line;
    this.pending = 0;
    for (const b of this.replaced) if (this.handedOut.push(b) > SPARE_MAX) this.handedOut.shift();
    this.replaced = [];
    return out;
  }

  /**
   * Writes the whole lines not handed out yet to `out`, several buffers as one write (writev) where the
   * stream can; the buffers they filled are refilled once written (no allocation, page faults or garbage
   * per 64 KiB). False when `out` asks its writer to wait for 'drain'.
   */
  writeTo(out: Writable): boolean {
    const bufs = this.take();
    const retired = this.retired();
    let room = true;
    if (bufs.length > 1) out.cork();
    for (let i = 0; i < bufs.length; i++) {
      // Writes complete in order: once the last is done, every retired buffer was written.
      const done = i === bufs.length - 1 && retired.length ? (err?: Error | null) => void (err || this.reuse(retired)) : undefined;
      room = out.write(bufs[i], done);
    }
    if (bufs.length > 1) out.uncork();
    return room;
  }

  /** Earlier buffers whose lines were all handed out by take(): free once those lines are written. */
  retired(): Buffer[] {
    const out = this.handedOut;
    this.handedOut = [];
    return out;
  }

  /** Buffers from retired(), written out: filled again instead of new ones. */
  reuse(bufs: readonly Buffer[]): void {
    for (const b of bufs) if (b.length === BATCH_BYTES && this.spare.length < SPARE_MAX) this.spare.push(b);
  }

  /** A new buffer, starting with the line being written; what was written before it stays whole. */
  private grow(need: number): void {
    const size = Math.max(BATCH_BYTES, this.off - this.line + need);
    const next = (size === BATCH_BYTES && this.spare.pop()) || newBuffer(size);
    this.buf.copy(next, 0, this.line, this.off);
    if (this.line > this.taken) this.full.push(this.buf.subarray(this.taken, this.line));
    this.replaced.push(this.buf);
    this.off -= this.line;
    this.line = this.taken = 0;
    this.buf = next;
    this.view = new WordView(next);
  }
}

/** A buffer of its own (never a slice of the shared pool), so its words are aligned for WordView. */
const newBuffer = (n: number): Buffer => Buffer.allocUnsafeSlow(n);
