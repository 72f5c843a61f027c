import { Buffer } from 'node:buffer';
import { InputError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { newBatch } from '../batch.js';
import { createHttpSink, type HttpSinkOptions, type HttpStats } from '../http/index.js';
import type { ReaderState } from '../pcap/reader.js';
import { newCaptureStats, type Direction, type TcpStreamSink } from '../tcp/stream-sink.js';
import { END_REASONS } from './protocol.js';
import type { ReaderThread } from './reader-thread.js';
import { HEADER, READ, READER_WAITS, Rec, WRITE, WRITER_WAITS } from './ring.js';

/** Counters both threads may add to (the reader thread's HTTP ones stay 0): summed, whoever counts what. */
const KEYS = Object.keys(newCaptureStats()) as (keyof ReturnType<typeof newCaptureStats>)[];

/** Atomics.waitAsync (Node 16+, ES2024): not in this project's lib (ES2023). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync.bind(Atomics);

const DIRS: readonly Direction[] = ['request', 'response'];

export interface ReplayOptions {
  http: HttpSinkOptions;
  onWarning?: ((message: string) => void) | undefined;
  reader?: ReaderState | undefined;
}

/**
 * The main thread's half of a threaded read: the reader thread's sink calls, replayed in order into HTTP
 * sinks made here, exactly as the single-thread pipeline would have made them; a batch per chunk read
 * (never an empty one). Stats: opts.http.stats is the sum of both threads' counts (the thread's
 * decode and reassembly, this one's HTTP layer), brought up to date at every batch.
 */
export async function* replayBatches(thread: ReaderThread, opts: ReplayOptions): AsyncGenerator<Exchange[]> {
  if (thread.taken) throw new Error(`the reader thread of ${thread.path} is already consumed`);
  thread.taken = true;
  const r = new Replayer(thread, opts);
  const ctrl = thread.control;
  let read = 0;
  try {
    for (;;) {
      const write = Atomics.load(ctrl, WRITE);
      if (write === read) {
        if (thread.failure) throw thread.failure;
        if (thread.exited) throw new Error(`the capture reader thread stopped before the end of ${thread.path}`);
        // Not Atomics.wait: the event loop must go on (stdout writes drain while the thread reads ahead).
        Atomics.store(ctrl, READER_WAITS, 1);
        const w = waitAsync(ctrl, WRITE, read);
        if (w.async) {
          thread.worker.ref(); // a pending waitAsync alone does not keep the event loop alive
          await w.value;
          thread.worker.unref();
        }
        Atomics.store(ctrl, READER_WAITS, 0);
        continue;
      }
      r.take(read, write);
      read = write;
      Atomics.store(ctrl, READ, read); // all copied out: the thread may write over it
      if (Atomics.load(ctrl, WRITER_WAITS) !== 0) Atomics.notify(ctrl, READ);
      for (let pos = r.from; pos !== write; ) {
        pos = r.replay(pos, write);
        if (r.batch.length > 0 && (r.done || r.batchEnded)) {
          const out = r.batch;
          r.batch = newBatch();
          yield out;
        }
        if (r.done) return;
      }
    }
  } finally {
    thread.close();
  }
}

/**
 * The record decoding and the sinks, out of the generator above: its hot loop runs in a plain method,
 * which the JIT optimizes and inlines into better than a generator's body.
 */
class Replayer {
  batch = newBatch();
  /** The last replay() stopped after a Batch record. */
  batchEnded = false;
  done = false;
  /** Where take() put the first record it copied. */
  from = 0;
  private readonly stats: HttpStats;
  private readonly base: HttpStats;
  private readonly http: HttpSinkOptions & { stats: HttpStats };
  private readonly sinks: (TcpStreamSink | undefined)[] = [];
  private readonly shared: Uint8Array;
  // Records are copied out of the shared ring into this mirror (same offsets) before they are replayed:
  // Buffer natives (indexOf, latin1Slice…) take a slow path on SharedArrayBuffer memory (it made the
  // HTTP parsing 50% slower), while one bulk copy runs at ~25 GB/s; and the ring is released at once.
  private readonly ring: Buffer;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly mask: number;
  private readonly emit = (ex: Exchange): void => void this.batch.push(ex);

  constructor(
    private readonly thread: ReaderThread,
    private readonly opts: ReplayOptions,
  ) {
    this.stats = opts.http.stats as HttpStats;
    this.base = { ...this.stats };
    this.http = { ...opts.http, stats: newCaptureStats() };
    this.shared = new Uint8Array(thread.data);
    this.ring = Buffer.allocUnsafeSlow(this.shared.length);
    this.i32 = new Int32Array(this.ring.buffer, this.ring.byteOffset, this.ring.length >> 2);
    this.f64 = new Float64Array(this.ring.buffer, this.ring.byteOffset, this.ring.length >> 3);
    this.mask = this.shared.length - 1;
  }

  /** Copies the records published in [read, write) into the mirror. */
  take(read: number, write: number): void {
    const n = (write - read) | 0;
    const from = read & this.mask;
    const first = Math.min(n, this.shared.length - from);
    this.ring.set(this.shared.subarray(from, from + first), from);
    if (first < n) this.ring.set(this.shared.subarray(0, n - first), 0);
    this.from = read;
  }

  /** Replays records from `pos` until `end`, or just past a Batch record; returns where it stopped. */
  replay(pos: number, end: number): number {
    const { i32, f64, ring, sinks, mask } = this;
    this.batchEnded = false;
    while (pos !== end) {
      const off = pos & mask;
      const w = off >> 2;
      const tag = i32[w + 1]!;
      pos = (pos + i32[w]!) | 0;
      if ((tag & 0xff) === Rec.Data) {
        const at = off + HEADER;
        sinks[i32[w + 2]!]!.data(DIRS[tag >> 8]!, ring, at, at + i32[w + 3]!, f64[(off >> 3) + 2]!, f64[(off >> 3) + 3]!);
      } else if (this.other(tag, off)) {
        return pos;
      }
    }
    return pos;
  }

  /** Every record but Data; true when replay() should stop after it (a batch, the end). */
  private other(tag: number, off: number): boolean {
    const { i32, f64, sinks } = this;
    const w = off >> 2;
    const slot = i32[w + 2]!;
    const a = f64[(off >> 3) + 2]!;
    const b = f64[(off >> 3) + 3]!;
    const text = (): string => this.ring.toString('utf8', off + HEADER, off + HEADER + i32[w + 3]!);
    const type = tag & 0xff;
    switch (type) {
      case Rec.Pad:
        return false;
      case Rec.Open: {
        const [id, clientIp, serverIp] = text().split('\n') as [string, string, string];
        sinks[slot] = createHttpSink({ id, connection: { clientIp, clientPort: a, serverIp, serverPort: b } }, this.http, this.emit);
        return false;
      }
      case Rec.Gap:
        sinks[slot]!.gap(DIRS[tag >> 8]!, b, a);
        return false;
      case Rec.HalfClose:
        sinks[slot]!.halfClose?.(DIRS[tag >> 8]!, a);
        return false;
      case Rec.End:
        sinks[slot]!.end(END_REASONS[tag >> 8]!, a);
        sinks[slot] = undefined;
        return false;
      case Rec.Warning:
        this.opts.onWarning?.(text());
        return false;
      case Rec.Batch:
        this.addStats(JSON.parse(text()) as Partial<HttpStats>);
        this.batchEnded = true;
        return true;
      case Rec.Done: {
        const done = JSON.parse(text()) as { stats: Partial<HttpStats>; reader: ReaderState };
        this.addStats(done.stats);
        if (this.opts.reader) Object.assign(this.opts.reader, done.reader);
        this.done = true;
        return true;
      }
      case Rec.Error:
        throw errorOf(text());
      default:
        throw new Error(`capture reader thread of ${this.thread.path}: bad record type ${type} at ${off}`);
    }
  }

  private addStats(theirs: Partial<HttpStats>): void {
    const { stats, base } = this;
    const own = this.http.stats;
    for (const k of KEYS) stats[k] = (base[k] ?? 0) + (own[k] ?? 0) + (theirs[k] ?? 0);
    if (own.tunnelBytes !== undefined || theirs.tunnelBytes !== undefined) stats.tunnelBytes = (base.tunnelBytes ?? 0) + (own.tunnelBytes ?? 0) + (theirs.tunnelBytes ?? 0);
  }
}

/** The thread's error as the single-thread reader would have thrown it (same class for InputError, same message and code). */
function errorOf(json: string): Error {
  const e = JSON.parse(json) as { name: string; message: string; code?: string };
  if (e.name === 'InputError') return new InputError(e.message);
  const err: NodeJS.ErrnoException = new Error(e.message);
  if (e.name !== 'Error') err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}
