import type { WriteStream } from 'node:fs';
import { createGzip, type Gzip } from 'node:zlib';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';
import { toHarEntry } from './har-entry.js';
import { fromHarEntry, EntryError } from './har-import.js';
import { openMaybeGzip, readLines } from './lines.js';
import { LineBatcher } from './line-batcher.js';
import { privateWriteStream } from './private-file.js';

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
  redaction?: { enabled: boolean; headers?: string[]; queryParams?: string[] };
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
  const stream = await openMaybeGzip(path);
  for await (const line of readLines(stream)) {
    stats.lines++;
    if (line.text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      if (!line.terminated) {
        // A crash mid-write leaves a torn last line: everything before it is intact, so warn and stop.
        stats.tornTail = true;
        opts.onWarning?.(`${path}:${line.number}: last line is incomplete (torn write?); ignored`);
        break;
      }
      fail(path, line.number, 'not valid JSON', opts, stats);
      continue;
    }
    if (line.number === 1 && isCaptureHeader(value)) {
      const v = value._shadowtap.version;
      if (typeof v === 'number' && v > CAPTURE_VERSION) throw new InputError(`${path}:1: capture format version ${v} is newer than this shadowtap understands (${CAPTURE_VERSION})`);
      continue;
    }
    try {
      const ex = fromHarEntry(value, `${line.number}`);
      stats.exchanges++;
      yield ex;
    } catch (err) {
      if (!(err instanceof EntryError)) throw err;
      fail(path, line.number, err.message, opts, stats);
    }
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

/** Writes a capture file with mode 0600, gzip when the name ends in .gz; honours backpressure. */
export class CaptureWriter {
  private readonly lines: LineBatcher;
  private constructor(
    private readonly out: Writable,
    private readonly file: WriteStream | undefined,
  ) {
    this.lines = new LineBatcher(out);
  }
  count = 0;

  static open(path: string, header: Omit<CaptureHeader, 'format' | 'version' | 'created'> = {}): CaptureWriter {
    let file: WriteStream | undefined;
    let out: Writable;
    if (path === '-') out = process.stdout;
    else {
      // Room for several 64 KiB batches: with the default 16 KiB every batch waited for its disk write.
      file = privateWriteStream(path, 1 << 20);
      out = file;
    }
    if (path.endsWith('.gz')) {
      const gz: Gzip = createGzip();
      gz.pipe(out);
      out = gz;
    }
    const w = new CaptureWriter(out, file);
    const h: CaptureHeader = { format: CAPTURE_FORMAT, version: CAPTURE_VERSION, created: new Date().toISOString(), ...header };
    out.write(JSON.stringify({ _shadowtap: h }) + '\n');
    return w;
  }

  /** Resolves at once unless the stream buffer is full; then when it drains. */
  async write(ex: Exchange): Promise<void> {
    this.count++;
    await this.lines.push(JSON.stringify(toHarEntry(ex)) + '\n');
  }

  async close(): Promise<void> {
    await this.lines.flush();
    if (this.out === process.stdout) return;
    const done = this.file ? once(this.file, 'close') : Promise.resolve();
    this.out.end();
    await done;
  }
}
