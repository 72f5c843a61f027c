import { Buffer } from 'node:buffer';

/**
 * A single-producer single-consumer ring of records in a SharedArrayBuffer: how the reader thread hands
 * the TcpStreamSink calls it makes to the main thread, in order, without a message (and its structured
 * clone) per call. The producer blocks (Atomics.wait) when the ring is full, so memory stays at the ring
 * whatever the capture's size; the consumer waits with Atomics.waitAsync, so its event loop keeps running.
 *
 * Positions are byte counters that wrap at 2^32 (Int32 arithmetic); the ring size is a power of two, so
 * `pos & mask` is the offset. Every record starts on an 8-byte boundary with a 32-byte header:
 *   int32 0: record length (header included, a multiple of 8)   int32 1: type | arg << 8
 *   int32 2: flow slot                                          int32 3: payload length
 *   float64 2: a (tsUs, or a port)                              float64 3: b (gap bytes, a data record's ack, or a port)
 * then the payload. A record never wraps: when it does not fit before the end, a PAD record fills the
 * tail and it starts at offset 0.
 */

export const HEADER = 32;
/** Control words (Int32Array over their own SharedArrayBuffer). */
export const WRITE = 0; // producer: bytes published
export const READ = 1; // consumer: bytes released
export const CANCEL = 2; // consumer: stop producing
/**
 * Set by a side before it waits, so the other notifies only then: a notify costs a lock and a wake-up
 * even when nobody waits (it was a third of the main thread's overhead when done per batch). Each side
 * stores its position, then loads the other's flag; the waiter sets its flag, then re-checks the
 * position before waiting on it (Atomics are sequentially consistent): no wake-up is lost.
 */
export const WRITER_WAITS = 3;
export const READER_WAITS = 4;
export const CONTROL_WORDS = 8;

export const enum Rec {
  Pad = 1,
  Open = 2,
  Data = 3,
  Gap = 4,
  HalfClose = 5,
  End = 6,
  Warning = 7,
  /** A chunk of the file was read: the consumer may hand on what it has. Payload: stats JSON. */
  Batch = 8,
  /** The end of the capture. Payload: JSON { stats, reader }. */
  Done = 9,
  /** Reading failed. Payload: JSON { name, message, code }. */
  Error = 10,
}

export const MIN_RING = 64 << 10;

/** The ring size for a requested one: a power of two, at least MIN_RING. */
export function ringSize(bytes: number): number {
  let size = MIN_RING;
  while (size < bytes && size < 1 << 30) size *= 2;
  return size;
}

/** Thrown in the producer when the consumer cancelled: the reader stops where it is. */
export class Cancelled extends Error {
  override name = 'Cancelled';
}

/**
 * The producing side: reserves space (waiting while the ring is full), writes, publishes. Records are
 * written into a private copy of the ring (same offsets) and published in one bulk copy: writes into
 * SharedArrayBuffer memory are ~3x slower (a 200-byte set: 55 ns, 17 ns unshared).
 */
export class RingWriter {
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  private readonly shared: Uint8Array;
  private published = 0;
  private readonly size: number;
  private readonly mask: number;
  private readonly ctrl: Int32Array;
  /** Bytes written (published or not); an Int32 counter wrapping like the shared ones. */
  private pos = 0;
  /** The consumer's READ as last seen. */
  private read = 0;
  /** The largest record: a data record longer than this is split (so any record fits, and one never fills the ring). */
  readonly maxRecord: number;

  constructor(data: SharedArrayBuffer, control: SharedArrayBuffer) {
    this.shared = new Uint8Array(data);
    const local = new ArrayBuffer(data.byteLength);
    this.u8 = new Uint8Array(local);
    this.i32 = new Int32Array(local);
    this.f64 = new Float64Array(local);
    this.size = data.byteLength;
    this.mask = this.size - 1;
    this.ctrl = new Int32Array(control);
    this.maxRecord = this.size >>> 2;
  }

  /**
   * Room for a record of `payload` bytes, header written; returns where its payload goes (in this.u8).
   * Publishes what was written and waits while the consumer has not released enough.
   */
  reserve(type: Rec, arg: number, slot: number, payload: number, a: number, b: number): number {
    const len = (HEADER + payload + 7) & ~7;
    let off = this.pos & this.mask;
    const tail = this.size - off;
    const need = len > tail ? tail + len : len;
    if (((this.pos - this.read) | 0) + need > this.size) this.waitFor(need);
    if (len > tail) {
      this.i32[off >> 2] = tail;
      this.i32[(off >> 2) + 1] = Rec.Pad;
      this.pos = (this.pos + tail) | 0;
      off = 0;
    }
    const w = off >> 2;
    const i32 = this.i32;
    i32[w] = len;
    i32[w + 1] = type | (arg << 8);
    i32[w + 2] = slot;
    i32[w + 3] = payload;
    const d = off >> 3;
    this.f64[d + 2] = a;
    this.f64[d + 3] = b;
    this.pos = (this.pos + len) | 0;
    return off + HEADER;
  }

  /** A record whose payload is `bytes` (at most maxRecord - HEADER of them). */
  bytes(type: Rec, arg: number, slot: number, bytes: Uint8Array, a: number, b: number): void {
    const at = this.reserve(type, arg, slot, bytes.length, a, b);
    this.u8.set(bytes, at);
  }

  /** A record with a UTF-8 text payload (cut to what a record holds: warnings, errors, stats). */
  text(type: Rec, arg: number, slot: number, text: string, a = 0, b = 0): void {
    let bytes = Buffer.from(text, 'utf8');
    if (bytes.length > this.maxRecord - HEADER) bytes = bytes.subarray(0, this.maxRecord - HEADER);
    this.bytes(type, arg, slot, bytes, a, b);
  }

  /** Makes everything written so far visible to the consumer, and wakes it. */
  publish(): void {
    const n = (this.pos - this.published) | 0;
    const from = this.published & this.mask;
    const first = Math.min(n, this.size - from);
    this.shared.set(this.u8.subarray(from, from + first), from);
    if (first < n) this.shared.set(this.u8.subarray(0, n - first), 0);
    this.published = this.pos;
    Atomics.store(this.ctrl, WRITE, this.pos);
    if (Atomics.load(this.ctrl, READER_WAITS) !== 0) Atomics.notify(this.ctrl, WRITE);
  }

  get cancelled(): boolean {
    return Atomics.load(this.ctrl, CANCEL) !== 0;
  }

  private waitFor(need: number): void {
    this.publish();
    for (;;) {
      if (this.cancelled) throw new Cancelled('reading cancelled');
      const read = Atomics.load(this.ctrl, READ);
      this.read = read;
      if (((this.pos - read) | 0) + need <= this.size) return;
      // Blocking is what this thread is for; the timeout only bounds how late a cancel is seen.
      Atomics.store(this.ctrl, WRITER_WAITS, 1);
      Atomics.wait(this.ctrl, READ, read, 1000);
      Atomics.store(this.ctrl, WRITER_WAITS, 0);
    }
  }
}
