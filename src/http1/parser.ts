import { Buffer } from 'node:buffer';
import { BodyReader } from './body-reader.js';
import { requestFraming, responseFraming, type Framing } from './framing.js';
import { decodeHeaderBytes, findHeadEnd, parseHeadText, type Head, type Kind } from './head.js';
import { HeadMemo } from './head-memo.js';
import { findStartLine, mayBeStartLine } from './resync.js';
import { looksLikeRequestLine, parseMalformedRequest } from './malformed.js';

/** One parsed message; `gap`/`truncated` say it is not whole, `tunnel` that non-HTTP bytes follow. */
export type ParsedMessage = Head;

export interface ParserHooks {
  /** The head is complete; the body may follow (used to pair before the request body ends). */
  onHead?(m: ParsedMessage): void;
  /** The message is complete, or ended early (`gap`, `truncated`). */
  onMessage(m: ParsedMessage): void;
  /**
   * Response side: the method of the request `m` answers (HEAD and CONNECT change framing); asked once
   * per response head, before its body is framed.
   */
  methodFor?(m: ParsedMessage): string | undefined;
  /** Bytes went missing between messages: whole messages may have been lost. */
  onDesync?(): void;
}

/** Every byte fed ends in exactly one of these once the parser is finished. */
export interface ByteCounts {
  http: number;
  nonHttp: number;
  tunnel: number;
}

export interface ParserOptions {
  maxBodyBytes: number;
  maxHeadBytes?: number;
  /**
   * A request without Content-Length or chunked coding has no body on a connection. In a file of
   * one message per record (.gor) the record boundary frames it, so the rest is its body.
   */
  unframedRequestBody?: 'none' | 'to-end';
  /** Messages without header lists, trailers or bodies (framing is still read): for listings. */
  summary?: boolean;
}

type State = 'start' | 'body' | 'hold' | 'tunnel' | 'done';

const LF = 10;
const MAX_LINE = 8 * 1024;

/** The first LF in buf[from..end), or -1. */
function lfIn(buf: Buffer, from: number, end: number): number {
  const lf = buf.indexOf(LF, from);
  return lf < end ? lf : -1;
}

/** Incremental HTTP/1.x parser for one direction of one connection, fed arbitrary slices. */
export class MessageParser {
  readonly counts: ByteCounts = { http: 0, nonHttp: 0, tunnel: 0 };
  private state: State = 'start';
  private pending: Buffer | null = null;
  private pendingTs = 0;
  private msg: ParsedMessage | null = null;
  /** The body being read: `reader` while one is, else null. */
  private body: BodyReader | null = null;
  private reader: BodyReader | undefined;
  private held: [Buffer, number][] = [];
  private headScanned = 0; // bytes of a stashed partial head already searched for its end
  /** During push(): bytes before `split` of the buffer came earlier, at splitTs; the rest at ts. */
  private split = 0;
  private splitTs = 0;
  private ts = 0;
  /** During push(): where the bytes fed end in the buffer being read (it may go on past them). */
  private end = 0;
  private readonly maxHead: number;
  private readonly memo: HeadMemo;
  /** At a message boundary (the stream's start, or right after a message): a malformed request line can be trusted. */
  private synced = true;

  constructor(
    readonly kind: Kind,
    private readonly opts: ParserOptions,
    private readonly hooks: ParserHooks,
  ) {
    this.maxHead = opts.maxHeadBytes ?? 64 * 1024;
    this.memo = new HeadMemo(kind, opts.summary === true);
  }

  push(chunk: Buffer, ts: number): void {
    this.pushRange(chunk, 0, chunk.length, ts);
  }

  /** push() of buf[start..end): the bytes need no view of their own. */
  pushRange(buf: Buffer, start: number, end: number, ts: number): void {
    if (end <= start) return;
    let split = 0; // bytes before `split` came earlier, at pendingTs
    if (this.pending && this.state !== 'hold') {
      split = this.pending.length;
      buf = Buffer.concat([this.pending, buf.subarray(start, end)]);
      start = 0;
      end = buf.length;
      this.pending = null;
    }
    this.split = split;
    this.splitTs = this.pendingTs;
    this.ts = ts;
    this.end = end;
    let pos = start;
    while (pos < end) {
      const before = pos;
      const state = this.state;
      pos = this.step(buf, pos, ts);
      if (pos < 0) break;
      // Every step consumes bytes or changes state; a step that does neither would spin forever.
      if (pos === before && this.state === state) throw new Error(`HTTP parser made no progress in state ${state}`);
    }
    this.body?.detach(); // the bytes fed are only ours during this call
  }

  /** The timestamp of the byte at p of the buffer being pushed. */
  private tsAt(p: number): number {
    return p < this.split ? this.splitTs : this.ts;
  }

  /** Runs the current state on buf[pos..]; returns the next position, or -1 when the rest is stashed. */
  private step(buf: Buffer, pos: number, ts: number): number {
    switch (this.state) {
      case 'start':
        return this.startMessage(buf, pos, ts);
      case 'body': {
        const body = this.body!;
        const next = body.read(buf, pos, this.end);
        if (next > pos) {
          this.counts.http += next - pos;
          this.msg!.lastUs = ts;
        }
        if (body.waiting) return this.stash(buf, next);
        if (body.malformed) this.msg!.truncated = true; // framing broke: end here, resync from `next`
        if (body.done || body.malformed) this.complete();
        return next;
      }
      case 'hold':
        this.held.push([Buffer.from(buf.subarray(pos, this.end)), ts]);
        return -1;
      case 'tunnel':
        this.counts.tunnel += this.end - pos;
        return -1;
      case 'done':
        this.counts.nonHttp += this.end - pos;
        return -1;
    }
  }

  private startMessage(buf: Buffer, pos: number, ts: number): number {
    const bufEnd = this.end;
    // The last head again (keep-alive traffic repeats them): a start line, and its end is known, so
    // there is nothing to scan for; equal bytes are what took the path below last time.
    const again = this.memo.again(buf, pos, bufEnd);
    if (again !== undefined) {
      this.headScanned = 0;
      const end = pos + this.memo.length;
      this.counts.http += end - pos;
      this.begin(again, this.tsAt(pos), ts);
      return end;
    }
    let lf = lfIn(buf, pos, bufEnd);
    if (lf < 0 || !mayBeStartLine(this.kind, buf, pos, lf)) {
      const next = lf < 0 ? undefined : this.malformed(buf, pos, lf, ts);
      if (next !== undefined) return next;
      const found = findStartLine(this.kind, buf, lf < 0 ? pos : pos + 1, bufEnd);
      if (found < 0) {
        // Keep the unfinished last line (a start line may be arriving), bounded.
        // Its last LF looked for in the bytes fed only (a backward search would go on to the buffer's start).
        const keepFrom = Math.max(pos + buf.subarray(pos, bufEnd).lastIndexOf(LF) + 1, bufEnd - MAX_LINE);
        this.skipped(keepFrom - pos);
        return this.stash(buf, keepFrom);
      }
      this.skipped(found - pos);
      pos = found;
      lf = lfIn(buf, pos, bufEnd);
    }
    // A head arriving in many small segments is not rescanned from its start each time.
    const end = findHeadEnd(buf, Math.max(pos, pos + this.headScanned - 3), bufEnd);
    this.headScanned = 0;
    if (end < 0) {
      if (bufEnd - pos <= this.maxHead) {
        this.headScanned = bufEnd - pos;
        return this.stash(buf, pos);
      }
      this.skipped(lf + 1 - pos); // a head this large is not one we can trust
      return lf + 1;
    }
    const head = this.memo.parse(buf, pos, end);
    if (!head) {
      const next = this.malformed(buf, pos, lf, ts);
      if (next !== undefined) return next;
      this.skipped(lf + 1 - pos);
      return lf + 1;
    }
    this.counts.http += end - pos;
    this.begin(head, this.tsAt(pos), ts);
    return end;
  }

  /** Bytes that are not HTTP: what follows them is not known to start at a message boundary. */
  private skipped(bytes: number): void {
    if (bytes === 0) return;
    this.counts.nonHttp += bytes;
    this.synced = false;
  }

  /**
   * A request whose line is not HTTP/1.x, at a message boundary: read as a request flagged `malformed`
   * (servers answer those). The next position, -1 when its head is still arriving, or undefined when
   * the bytes are not taken for a request (then they are skipped as non-HTTP, as before).
   */
  private malformed(buf: Buffer, pos: number, lf: number, ts: number): number | undefined {
    if (this.kind !== 'request' || !this.synced || !looksLikeRequestLine(buf, pos, lf)) return undefined;
    const end = findHeadEnd(buf, lf, this.end);
    if (end < 0) return this.end - pos <= this.maxHead ? this.stash(buf, pos) : undefined;
    const head = parseMalformedRequest(buf, pos, end, this.opts.summary === true);
    this.counts.http += end - pos;
    this.begin(head, this.tsAt(pos), ts);
    return end;
  }

  private begin(msg: Head, firstUs: number, ts: number): void {
    msg.firstUs = firstUs;
    msg.lastUs = ts;
    this.msg = msg;
    const head = msg;
    let framing: Framing = this.kind === 'request' ? requestFraming(head) : responseFraming(head, this.hooks.methodFor?.(head));
    if (framing.kind === 'none' && this.kind === 'request' && this.opts.unframedRequestBody === 'to-end') framing = { kind: 'close' };
    this.hooks.onHead?.(msg);
    if (framing.kind === 'none' || framing.kind === 'tunnel') {
      msg.tunnel = framing.kind === 'tunnel';
      this.complete();
    } else {
      const length = framing.kind === 'length' ? framing.length : 0;
      this.body = this.reader ? this.reader.restart(framing.kind, length) : (this.reader = new BodyReader(framing.kind, length, this.opts.summary ? 0 : this.opts.maxBodyBytes));
      this.state = 'body';
    }
  }

  private complete(): void {
    const m = this.msg!;
    if (this.body && !this.opts.summary) {
      const body = this.body.finish();
      if (body) m.body = body;
      if (this.body.trailers?.length) m.trailers = this.body.trailers;
    }
    this.msg = null;
    this.body = null;
    this.synced = true;
    this.state = m.tunnel ? 'tunnel' : 'start';
    this.hooks.onMessage(m);
  }

  private stash(buf: Buffer, pos: number): number {
    if (pos < this.end) {
      this.pending = Buffer.from(buf.subarray(pos, this.end)); // a copy: buf is only ours during this call
      this.pendingTs = this.tsAt(pos);
    }
    return -1;
  }

  /** After a CONNECT/Upgrade request: bytes wait until the response says whether a tunnel opened. */
  hold(): void {
    if (this.state === 'start') this.state = 'hold';
  }

  release(tunnel: boolean): void {
    if (this.state !== 'hold') return;
    const held = this.held;
    this.held = [];
    this.state = tunnel ? 'tunnel' : 'start';
    for (const [b, ts] of held) this.push(b, ts);
  }

  /** `missing` bytes never arrived. Inside a body of known length the framing survives; else resync. */
  gap(missing: number, ts: number): void {
    const s = this.state;
    if (s === 'body' && !this.pending && this.body!.gap(missing)) {
      this.msg!.gap = true;
      this.msg!.lastUs = ts;
      if (this.body!.done) this.complete();
    } else if (s === 'start' || s === 'body') this.abort(true, ts);
  }

  /** The direction ended. `clean` (FIN/RST) completes a close-delimited body; else it is truncated. */
  finish(clean: boolean, ts: number): void {
    if (this.state === 'body' && this.body!.untilClose) {
      this.msg!.truncated = !clean;
      this.complete();
    } else if (this.state === 'hold') {
      for (const [b] of this.held) this.counts.tunnel += b.length;
      this.held = [];
    } else if (this.state === 'start' || this.state === 'body') this.abort(false, ts);
    this.state = 'done';
  }

  /** Ends whatever is in progress, keeping a partial head when its start line is whole. */
  private abort(gap: boolean, ts: number): void {
    const pending = this.pending;
    this.pending = null;
    this.headScanned = 0;
    if (this.msg) {
      if (pending) this.counts.http += pending.length;
      this.body?.cut();
      this.msg[gap ? 'gap' : 'truncated'] = true;
      this.msg.lastUs = ts;
      this.complete();
    } else if (pending) {
      const text = decodeHeaderBytes(pending);
      const head = text.includes('\n') ? parseHeadText(this.kind, text.slice(0, text.lastIndexOf('\n')), this.opts.summary) : undefined;
      if (!head) this.counts.nonHttp += pending.length;
      else {
        this.counts.http += pending.length;
        const m = head;
        [m.firstUs, m.lastUs, m.gap, m.truncated] = [this.pendingTs, ts, gap, !gap];
        this.hooks.onHead?.(m);
        this.state = 'start';
        this.hooks.onMessage(m);
      }
    } else if (gap) this.hooks.onDesync?.();
    if (gap) this.synced = false;
    if (this.state !== 'hold') this.state = 'start';
  }

  /** Bytes fed but not yet accounted (a partial line, bytes held for a tunnel verdict). */
  get unaccounted(): number {
    return (this.pending?.length ?? 0) + this.held.reduce((n, [b]) => n + b.length, 0);
  }
}
