import type { WriteStream } from 'node:fs';
import { constants, createGzip, type Gzip, type ZlibOptions } from 'node:zlib';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';
import { writeHarEntry } from './har-line.js';
import { FlushTimer, GzipSync } from './line-batcher.js';
import { BATCH_BYTES, LineBytes } from './line-bytes.js';
import type * as HarImport from './har-import.js';
import { openChunks, readLineBatches } from './lines.js';
import type { GzipDamage } from '../capture/pcap/gunzip.js';
import { privateWriteStream, writtenSoFar } from './private-file.js';
import { redactionRecord, REDACT_ALL, type RedactionRecord, type RedactPolicy } from '../stages/redact/index.js';

/**
 * The capture file: newline-delimited JSON, optionally gzip. The first line describes the capture;
 * each further line is one exchange as a HAR 1.2 entry with `_` fields.
 */
export const CAPTURE_FORMAT = 'shadowtap-capture';
export const CAPTURE_VERSION = 1;

export interface CaptureHeader {
  format: typeof CAPTURE_FORMAT;
  version: number;
  created: string;
  source?: Record<string, unknown>;
  redaction?: RedactionRecord;
}

export interface ReadOptions {
  /** Skip malformed lines (counted in `stats.invalid`) instead of failing. */
  skipInvalid?: boolean;
  onWarning?: (message: string) => void;
}

export interface ReadStats {
  lines: number;
  exchanges: number;
  invalid: number;
  tornTail: boolean;
}

export function isCaptureHeader(v: unknown): v is { _shadowtap: CaptureHeader } {
  return typeof v === 'object' && v !== null && '_shadowtap' in v;
}

/** Streams exchanges out of a capture file; a malformed line is an InputError naming file and line. */
export async function* readCaptureFile(path: string, opts: ReadOptions = {}, stats: ReadStats = newStats()): AsyncGenerator<Exchange> {
  for await (const batch of readCaptureBatches(path, opts, stats)) yield* batch;
}

/**
 * The same stream a chunk's worth of exchanges at a time (about 64 KiB of file): replay takes them
 * without a promise per line. A failing line ends the stream after the exchanges before it.
 */
export async function* readCaptureBatches(path: string, opts: ReadOptions = {}, stats: ReadStats = newStats()): AsyncGenerator<Exchange[]> {
  // The reading side (HAR schema, its compiled checker) loads only when a file is read, not to write one (~6 ms).
  const har = await import('./har-import.js');
  // A .jsonl.gz cut by a crash (or a copy cut short) keeps its whole lines, as a cut .pcap.gz keeps its packets.
  let cut: GzipDamage | undefined;
  let kept = 0;
  const stream = await openChunks(path, (d) => (cut = d));
  for await (const { lines, first, lastTerminated } of readLineBatches(stream, { file: path })) {
    const out: Exchange[] = [];
    let failure: unknown;
    let torn = false;
    try {
      for (let i = 0; i < lines.length; i++) {
        const ex = exchangeOf(har, path, lines[i]!, first + i, lastTerminated || i < lines.length - 1, opts, stats);
        if (ex === TORN) torn = true;
        else if (ex) out.push(ex);
      }
    } catch (err) {
      failure = err;
    }
    kept += out.length;
    if (out.length) yield out;
    if (failure !== undefined) throw failure;
    if (torn) break;
  }
  if (cut) opts.onWarning?.(`${path}: gzip stream ${cut.cut ? 'cut' : cut.message.replace(/^gzip stream /, '')} after ${cut.inflated} bytes; ${kept} exchanges kept`);
}

const TORN = Symbol('torn');

/** One line: an exchange, undefined for the header, a blank or a skipped invalid line, or TORN. */
function exchangeOf(har: typeof HarImport, path: string, text: string, number: number, terminated: boolean, opts: ReadOptions, stats: ReadStats): Exchange | undefined | typeof TORN {
  stats.lines++;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (text.trim() === '') return undefined;
    if (!terminated) {
      // A crash mid-write leaves a torn last line: everything before it is intact, so warn and stop.
      stats.tornTail = true;
      opts.onWarning?.(`${path}:${number}: last line is incomplete (torn write?); ignored`);
      return TORN;
    }
    fail(path, number, 'not valid JSON', opts, stats);
    return undefined;
  }
  if (number === 1 && isCaptureHeader(value)) {
    const v = value._shadowtap.version;
    if (typeof v === 'number' && v > CAPTURE_VERSION) throw new InputError(`${path}:1: capture format version ${v} is newer than this shadowtap understands (${CAPTURE_VERSION})`);
    return undefined;
  }
  try {
    const ex = har.fromHarEntry(value, `${number}`);
    stats.exchanges++;
    return ex;
  } catch (err) {
    if (!(err instanceof har.EntryError)) throw err;
    fail(path, number, err.message, opts, stats);
    return undefined;
  }
}

export function newStats(): ReadStats {
  return { lines: 0, exchanges: 0, invalid: 0, tornTail: false };
}

function fail(path: string, line: number, message: string, opts: ReadOptions, stats: ReadStats): void {
  const text = `${path}:${line}: ${message}`;
  if (!opts.skipInvalid) throw new InputError(`${text} (use --skip-invalid to skip such lines)`);
  stats.invalid++;
  opts.onWarning?.(text);
}

const DONE = Promise.resolve();

/** The gzip level of every capture file written .gz (here and by the rotating files): see CaptureWriter.open. */
export const CAPTURE_GZIP_LEVEL = constants.Z_BEST_SPEED;

/** What opening an output of captured data takes: where it came from, and the redaction applied before it (the pump's stage). */
export interface OutputHeader {
  source?: Record<string, unknown>;
  redaction?: RedactPolicy;
}

export function captureHeader(source: Record<string, unknown> | undefined, policy: RedactPolicy): CaptureHeader {
  return { format: CAPTURE_FORMAT, version: CAPTURE_VERSION, created: new Date().toISOString(), ...(source ? { source } : {}), redaction: redactionRecord(policy) };
}

/** Writes a capture file with mode 0600, gzip when the name ends in .gz; honours backpressure. */
export class CaptureWriter {
  private readonly lines = new LineBytes();
  // A slow producer's lines reach the OS (through gzip too) at most 100 ms after they were written.
  private readonly timer = new FlushTimer(() => this.flush().then(() => this.gzip?.now()));
  private constructor(
    private readonly out: Writable,
    private readonly file: WriteStream | undefined,
    private readonly gzip: GzipSync | undefined,
  ) {}
  count = 0;
  /** The first error of the file or gzip stream (a full or failing disk): every later write rejects with it. */
  failure: Error | undefined;
  private readonly failed = new AbortController();

  /** Records `header.redaction` in the first line; the exchanges come redacted (io/pump.ts applies the stage). */
  static open(path: string, header: OutputHeader = {}): CaptureWriter {
    let file: WriteStream | undefined;
    let out: Writable;
    let gzip: GzipSync | undefined;
    if (path === '-') out = process.stdout;
    else {
      // Room for several 64 KiB batches: with the default 16 KiB every batch waited for its disk write.
      file = privateWriteStream(path, 1 << 20);
      out = file;
    }
    if (path.endsWith('.gz')) {
      // zlib compresses in libuv's threadpool; room for many batches lets it work while this thread
      // makes the next ones (with the default 16 KiB every batch waited for its own compression).
      // Level 1 (zlib's fast strategy): on a 124 MB capture file of nginx traffic it costs 160 ms of CPU
      // where the default level 6 cost 395 ms, for a file of 4.4 MB instead of 3.0 MB; the gzip step
      // was most of what .jsonl.gz cost over .jsonl. Any gzip reader reads it alike.
      const gz: Gzip = createGzip({ level: CAPTURE_GZIP_LEVEL, highWaterMark: 4 << 20 } as ZlibOptions); // highWaterMark: a stream option zlib passes on
      gz.pipe(out);
      out = gz;
      gzip = new GzipSync(gz);
    }
    const policy = header.redaction ?? REDACT_ALL;
    const w = new CaptureWriter(out, file, gzip);
    const fail = (err: Error): void => {
      w.failure ??= err;
      w.failed.abort();
    };
    file?.on('error', fail);
    if (out !== file) out.on('error', fail);
    const h = captureHeader(header.source, policy);
    out.write(JSON.stringify({ _shadowtap: h }) + '\n');
    return w;
  }

  /** Resolves at once unless a batch is due and the stream buffer is full; then when it drains. */
  write(ex: Exchange): Promise<void> {
    return this.writeBatch([ex]);
  }

  /**
   * Writes the lines of a batch without a promise per exchange. An exchange that cannot be written
   * rejects (leaving no partial line); the lines before it are kept.
   */
  writeBatch(batch: readonly Exchange[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const lines = this.lines;
    for (let i = 0; i < batch.length; i++) {
      try {
        writeHarEntry(batch[i]!, lines);
      } catch (err) {
        lines.dropLine();
        return Promise.reject(err as Error);
      }
      lines.endLine();
      this.count++;
    }
    this.timer.arm();
    return lines.pending >= BATCH_BYTES ? this.flush() : DONE;
  }

  private async flush(): Promise<void> {
    this.timer.disarm();
    const room = this.lines.writeTo(this.out);
    this.gzip?.written();
    // A stream that failed never drains: stop waiting then.
    if (!room) await once(this.out, 'drain', { signal: this.failed.signal }).catch(() => undefined);
    if (this.failure) throw this.failure;
  }

  /**
   * Everything written so far is handed to the OS (a gzip stream flushed through): what survives this
   * process being killed. A reader that acknowledges its source (a stream group) waits for this first.
   */
  async sync(): Promise<void> {
    await this.flush();
    await this.gzip?.now();
    await writtenSoFar(this.file ?? this.out).catch(() => undefined);
    if (this.failure) throw this.failure;
  }

  /** Rejects with `failure` (after releasing the file) when the stream failed. */
  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    if (this.out === process.stdout) return;
    if (this.failure) {
      this.out.destroy();
      this.file?.destroy();
      throw this.failure;
    }
    const done = this.file ? once(this.file, 'close') : Promise.resolve();
    this.out.end();
    await done;
  }
}
