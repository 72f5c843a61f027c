import { Buffer } from 'node:buffer';
import type { Body, Header } from '../exchange.js';
import { makeBody } from '../body.js';
import { decodeHeaderBytes, parseHeaderLines, type LatinSlicer } from './head.js';

const LF = 10;
const CR = 13;
const MAX_LINE = 8 * 1024;
const CHUNK_SIZE = /^[0-9a-fA-F]{1,13}$/;

/**
 * Collects a body as views of the incoming buffers (copied once, at the end), keeping at most
 * `max` bytes; `size` counts every byte, including those lost in a gap. A body within one push (most
 * are) is held as offsets into the bytes fed, and decoded from them: no view, no copy.
 */
class BodyCollector {
  private parts: Buffer[] = [];
  /** parts[0..owned) are copies; the rest are views of the bytes being fed, valid during one push only. */
  private owned = 0;
  private kept = 0;
  private holed = false;
  size = 0;
  /** The first kept bytes, at[from..to), while they are all there is (no view made yet). */
  private at: Buffer | undefined = undefined;
  private from = 0;
  private to = 0;
  constructor(private readonly max: number) {}

  /** Adds buf[from..to): a view is made only when some of it is kept, and the body spans pushes. */
  add(buf: Buffer, from: number, to: number): void {
    this.size += to - from;
    if (this.holed || this.kept >= this.max) return;
    const take = Math.min(to - from, this.max - this.kept);
    this.kept += take;
    if (this.kept === take) {
      this.at = buf;
      this.from = from;
      this.to = from + take;
      return;
    }
    this.viewAt();
    this.parts.push(buf.subarray(from, from + take));
  }

  /** The offsets held become a view, in parts. */
  private viewAt(): void {
    if (this.at === undefined) return;
    this.parts.push(this.at.subarray(this.from, this.to));
    this.at = undefined;
  }

  /** The message goes on past this push: copy the views it holds (the reader reuses its buffers). */
  detach(): void {
    this.viewAt();
    for (; this.owned < this.parts.length; this.owned++) this.parts[this.owned] = Buffer.from(this.parts[this.owned]!);
  }

  /** Bytes that never arrived: only the prefix before the hole is kept, so the body reads truncated. */
  hole(n: number): void {
    this.size += n;
    this.holed = true;
  }

  reset(): void {
    if (this.parts.length > 0) this.parts = [];
    this.owned = this.kept = this.size = 0;
    this.holed = false;
    this.at = undefined;
  }

  finish(): Body | undefined {
    if (this.size === 0) return undefined;
    const at = this.at;
    if (at !== undefined) {
      this.at = undefined;
      // makeBody's ASCII case (a Latin-1 copy) on the offsets, checked as head bytes are (headerText).
      const text = (at as LatinSlicer).latin1Slice(this.from, this.to);
      if (Buffer.byteLength(text, 'utf8') === text.length) return { text, size: this.size, truncated: this.kept < this.size };
      return makeBody(at.subarray(this.from, this.to), this.size);
    }
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.kept);
    this.parts = [];
    this.owned = 0;
    return makeBody(bytes, this.size);
  }
}

type State = 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'close' | 'done' | 'malformed';

/** Reads one message body framed by Content-Length, chunked coding, or the end of the stream. */
export class BodyReader {
  /** Chunked trailers; most bodies have none, so the list is made when one arrives. */
  trailers: Header[] | undefined = undefined;
  private readonly collector: BodyCollector;
  private state: State;
  private remaining: number;

  constructor(framing: 'length' | 'chunked' | 'close', length: number, maxBodyBytes: number) {
    this.collector = new BodyCollector(maxBodyBytes);
    this.state = framing === 'chunked' ? 'chunk-size' : framing;
    this.remaining = length;
  }

  /** Starts the next body of a connection: a parser keeps one reader (one fewer object per message). */
  restart(framing: 'length' | 'chunked' | 'close', length: number): this {
    this.collector.reset();
    this.state = framing === 'chunked' ? 'chunk-size' : framing;
    this.remaining = length;
    this.trailers = undefined;
    this.waiting = false;
    return this;
  }

  get done(): boolean {
    return this.state === 'done';
  }
  /** The chunked framing broke: the message ends where it broke. */
  get malformed(): boolean {
    return this.state === 'malformed';
  }
  get untilClose(): boolean {
    return this.state === 'close';
  }

  /** Set by read(): it stopped at a partial chunk-size or trailer line that needs the next bytes. */
  waiting = false;

  /** Consumes body bytes from buf[pos..end); returns the new position (it stops at the end of the body). */
  read(buf: Buffer, pos: number, end = buf.length): number {
    this.waiting = false;
    while (pos < end && this.state !== 'done' && this.state !== 'malformed') {
      const next = this.step(buf, pos, end);
      if (next < 0) {
        this.waiting = true;
        break;
      }
      pos = next;
    }
    return pos;
  }

  private step(buf: Buffer, pos: number, end: number): number {
    switch (this.state) {
      case 'length':
      case 'chunk-data':
      case 'close': {
        const take = this.state === 'close' ? end - pos : Math.min(this.remaining, end - pos);
        this.collector.add(buf, pos, pos + take);
        if (this.state !== 'close' && (this.remaining -= take) === 0) this.state = this.state === 'length' ? 'done' : 'chunk-end';
        return pos + take;
      }
      case 'chunk-end': {
        if (buf[pos] === CR && pos + 1 >= end) return -1;
        this.state = 'chunk-size';
        return pos + (buf[pos] === CR && buf[pos + 1] === LF ? 2 : buf[pos] === LF || buf[pos] === CR ? 1 : 0);
      }
      default: {
        let lf = buf.indexOf(LF, pos);
        if (lf >= end) lf = -1;
        if (lf < 0) {
          if (end - pos <= MAX_LINE) return -1;
          this.state = 'malformed';
          return pos;
        }
        if (this.state === 'trailers') {
          const end = buf[lf - 1] === CR && lf > pos ? lf - 1 : lf;
          if (end === pos) this.state = 'done';
          else parseHeaderLines([decodeHeaderBytes(buf, pos, end)], (this.trailers ??= []));
          return lf + 1;
        }
        const size = buf.toString('latin1', pos, lf).split(';', 1)[0]!.trim();
        if (!CHUNK_SIZE.test(size)) {
          this.state = 'malformed';
          return pos;
        }
        this.remaining = parseInt(size, 16);
        this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
        return lf + 1;
      }
    }
  }

  /** See BodyCollector.detach. */
  detach(): void {
    this.collector.detach();
  }

  /** `missing` bytes never arrived; true when they fell inside a run of known length (framing holds). */
  gap(missing: number): boolean {
    if (this.state === 'close' || ((this.state === 'length' || this.state === 'chunk-data') && missing <= this.remaining)) {
      this.collector.hole(missing);
      if (this.state !== 'close' && (this.remaining -= missing) === 0) this.state = this.state === 'length' ? 'done' : 'chunk-end';
      return true;
    }
    return false;
  }

  /** The body ends before its framing said: a declared length still says how big it was. */
  cut(): void {
    if (this.state === 'length') this.collector.hole(this.remaining);
    this.state = 'done';
  }

  finish(): Body | undefined {
    return this.collector.finish();
  }
}
