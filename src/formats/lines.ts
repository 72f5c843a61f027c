import { Buffer } from 'node:buffer';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { fileChunks } from '../capture/pcap/file-chunks.js';
import { isGzip, maybeGunzip, type GzipDamage } from '../capture/pcap/gunzip.js';
import { InputError } from '../errors.js';

/**
 * Longest line a reader holds (64 MiB): a capture line carries at most two bodies of `--max-body`
 * (1 MiB by default), so a longer one is damage or an attack, and holding it whole would cost a
 * multiple of its size in memory. Readers take `maxLineBytes` to change it.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface LineOptions {
  /** Named in errors ("FILE:LINE: …"). */
  file?: string;
  maxLineBytes?: number;
}

export interface Line {
  text: string;
  /** 1-based line number in the (decompressed) file. */
  number: number;
  /** False for a last line that had no newline: it may be torn by a crash mid-write. */
  terminated: boolean;
}

/**
 * A file's (or stdin's, for "-") bytes, inflated when they start with gzip's magic (capture/pcap's
 * maybeGunzip, the one inflater of inputs). A cut or damaged gzip stream is an InputError naming the input
 * unless `onDamage` takes it (a capture file keeps its whole lines, as a cut .pcap.gz keeps its packets).
 */
export async function openMaybeGzip(path: string, onDamage: (damage: GzipDamage) => void = refuse(path)): Promise<AsyncIterable<Buffer>> {
  return maybeGunzip(path === '-' ? process.stdin : createReadStream(path), onDamage);
}

function refuse(path: string): (damage: GzipDamage) => void {
  return (d) => {
    throw new InputError(`${path === '-' ? 'stdin' : path}: ${d.message} after ${d.inflated} bytes`);
  };
}

// A stream's chunk size, and so about one batch of readLineBatches.
const CHUNK = 64 << 10;

/**
 * A file's bytes for readLineBatches, which decodes each chunk before asking for the next: a regular file
 * is read synchronously through one reused buffer (fileChunks), where a stream cost a fresh buffer and a
 * thread-pool round trip per chunk (~3.3k instructions per capture line); gzip inflates it. Stdin and
 * pipes stream (openMaybeGzip).
 */
export async function openChunks(path: string, onDamage?: (damage: GzipDamage) => void): Promise<AsyncIterable<Buffer> | Iterable<Buffer>> {
  if (path === '-' || !statSync(path, { throwIfNoEntry: false })?.isFile()) return openMaybeGzip(path, onDamage);
  if (!startsGzip(path)) return fileChunks(path, CHUNK, 1);
  return maybeGunzip(fileChunks(path, CHUNK, 1), onDamage ?? refuse(path));
}

function startsGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return isGzip(head.subarray(0, readSync(fd, head, 0, 2, 0)));
  } finally {
    closeSync(fd);
  }
}

/** Splits a byte stream into UTF-8 lines without holding more than one line plus one chunk. */
export async function* readLines(stream: AsyncIterable<Buffer>, o: LineOptions = {}): AsyncGenerator<Line> {
  const max = o.maxLineBytes ?? MAX_LINE_BYTES;
  let pending: Buffer[] = [];
  let held = 0;
  let number = 0;
  for await (const chunk of stream) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      if (held + piece.length > max) throw tooLong(o, number + 1, max);
      const whole = pending.length ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      held = 0;
      number++;
      yield { text: stripCr(whole.toString('utf8')), number, terminated: true };
      start = nl + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      held += chunk.length - start;
      if (held > max) throw tooLong(o, number + 1, max);
    }
  }
  if (pending.length) {
    number++;
    yield { text: stripCr(Buffer.concat(pending).toString('utf8')), number, terminated: false };
  }
}

export interface LineBatch {
  /** Whole lines (without "\n" or a trailing "\r"). */
  lines: string[];
  /** 1-based number of `lines[0]`. */
  first: number;
  /** False when the last line had no newline (end of file): it may be torn by a crash mid-write. */
  lastTerminated: boolean;
}

/**
 * The lines of a byte stream, a chunk's worth at a time: each chunk is decoded once and split as a
 * string, instead of a Buffer slice, copy and decode per line (measured ≈1.3 µs of a replayed request).
 * A line longer than a chunk is joined once, when its newline arrives; only such a line (chunks are
 * 64 KiB at most) can pass the cap, which is checked as it grows.
 */
export async function* readLineBatches(stream: AsyncIterable<Buffer> | Iterable<Buffer>, o: LineOptions = {}): AsyncGenerator<LineBatch> {
  const max = o.maxLineBytes ?? MAX_LINE_BYTES;
  const decoder = new StringDecoder('utf8');
  let carry: string[] = [];
  // UTF-16 units held for the line not yet ended (never more than its bytes).
  let held = 0;
  let next = 1;
  let first = true;
  for await (const chunk of stream) {
    let text = decoder.write(chunk);
    // A UTF-8 byte order mark (Windows editors write one) is not part of the first line.
    if (first && text) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const nl = text.indexOf('\n');
    if (nl < 0) {
      if (text) carry.push(text);
      held += text.length;
      if (held > max) throw tooLong(o, next, max);
      continue;
    }
    if (held + nl > max) throw tooLong(o, next, max);
    const lines = text.split('\n');
    if (carry.length) {
      carry.push(lines[0]!);
      lines[0] = carry.join('');
      carry = [];
    }
    const rest = lines.pop()!;
    held = rest.length;
    if (rest) carry.push(rest);
    for (let i = 0; i < lines.length; i++) lines[i] = stripCr(lines[i]!);
    yield { lines, first: next, lastTerminated: true };
    next += lines.length;
  }
  const tail = decoder.end();
  if (tail) carry.push(tail);
  if (carry.length) yield { lines: [stripCr(carry.join(''))], first: next, lastTerminated: false };
}

function tooLong(o: LineOptions, line: number, max: number): InputError {
  return new InputError(`${o.file ?? '(input)'}:${line}: line longer than ${max / 1024 ** 2} MiB (a damaged file, or not this kind of file?)`);
}

function stripCr(s: string): string {
  return s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}
