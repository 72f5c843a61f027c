import { serverLatencyUs, type Exchange } from '../exchange.js';

const BATCH_BYTES = 64 * 1024;
const TAB = 9;
const LF = 10;
const DASH = 45; // also the minus sign
const ZERO = 48;
/** Room for the four number columns, their separators and the line end. */
const FIXED_BYTES = 4 * 22 + 5;

/** Buffer's own encoders, without write()'s argument checks (called per field). */
type RawBuffer = Buffer & { utf8Write(s: string, at: number): number; latin1Write(s: string, at: number): number };

/**
 * `cat --format tsv` lines written straight into byte batches. A template string per line, joined and
 * encoded per batch, was ~15% of listing a capture (number-to-string of 16-digit timestamps, the join,
 * the UTF-8 encode); here numbers are written as digits and strings encoded once, in place.
 */
export class TsvBytes {
  private buf = Buffer.allocUnsafe(BATCH_BYTES) as RawBuffer;
  private at = 0;
  private readonly ready: Buffer[] = [];

  /** Appends the tsv line of `ex` (same bytes as tsvLine); true when a batch is full. */
  add(ex: Exchange): boolean {
    const { method, target } = ex.request;
    this.reserve(FIXED_BYTES + 3 * (method.length + target.length));
    const buf = this.buf;
    let at = writeInt(buf, this.at, ex.timing.requestStartUs);
    buf[at++] = TAB;
    at = writeText(buf, at, method);
    buf[at++] = TAB;
    at = writeText(buf, at, target);
    buf[at++] = TAB;
    const res = ex.response;
    at = res ? writeInt(buf, at, res.status) : dash(buf, at);
    buf[at++] = TAB;
    const latency = serverLatencyUs(ex);
    at = latency === undefined ? dash(buf, at) : writeInt(buf, at, latency);
    buf[at++] = LF;
    this.at = at;
    return this.ready.length > 0 || at >= BATCH_BYTES - FIXED_BYTES;
  }

  /** Appends text made elsewhere (another thread's tsvLine). */
  addText(text: string): boolean {
    this.reserve(3 * text.length);
    this.at += this.buf.utf8Write(text, this.at);
    return this.ready.length > 0 || this.at >= BATCH_BYTES - FIXED_BYTES;
  }

  /** Everything added so far, in order; the writer may keep the buffers (new ones are used after). */
  take(): Buffer[] {
    const out = this.ready.splice(0);
    if (this.at > 0) {
      out.push(this.buf.subarray(0, this.at));
      this.buf = Buffer.allocUnsafe(BATCH_BYTES) as RawBuffer;
      this.at = 0;
    }
    return out;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    if (this.at > 0) this.ready.push(this.buf.subarray(0, this.at));
    this.buf = Buffer.allocUnsafe(Math.max(BATCH_BYTES, bytes)) as RawBuffer;
    this.at = 0;
  }
}

/** UTF-8 of s at buf[at..]: ASCII by hand (short strings: cheaper than a native call), the rest by utf8Write. */
function writeText(buf: RawBuffer, at: number, s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return at + i + buf.utf8Write(s.slice(i), at + i);
    buf[at + i] = c;
  }
  return at + n;
}

function dash(buf: RawBuffer, at: number): number {
  buf[at] = DASH;
  return at + 1;
}

/** String(n) as ASCII at buf[at..]; returns the end. Integers below 2^53 take the digit loop. */
function writeInt(buf: RawBuffer, at: number, n: number): number {
  if (!Number.isSafeInteger(n)) return at + buf.latin1Write(String(n), at);
  if (n < 0) {
    buf[at++] = DASH;
    n = -n;
  }
  if (n < 1e8) return writeSmall(buf, at, n);
  // Above 2^31 integer ops no longer apply: split into a high part and 8 low digits, each an int.
  const high = Math.floor(n / 1e8);
  at = high < 1e8 ? writeSmall(buf, at, high) : at + buf.latin1Write(String(high), at);
  writeDigits(buf, at + 8, (n - high * 1e8) | 0, 8);
  return at + 8;
}

/** 0 ≤ n < 1e8. */
function writeSmall(buf: RawBuffer, at: number, n: number): number {
  const digits = n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : 8;
  writeDigits(buf, at + digits, n | 0, digits);
  return at + digits;
}

/** The `count` low decimal digits of the int `n`, ending before buf[end]. */
function writeDigits(buf: RawBuffer, end: number, n: number, count: number): void {
  for (let i = end - 1; i >= end - count; i--) {
    const q = (n / 10) | 0;
    buf[i] = ZERO + n - q * 10;
    n = q;
  }
}
