import { findHeadEnd, type Head } from '../../http1/head.js';
import { HeadMemo } from '../../http1/head-memo.js';
import { BodyReader } from '../../http1/body-reader.js';
import { responseFraming, type Framing } from '../../http1/framing.js';
import { bodyBytes } from '../../body.js';
import { clientError, type H1Request } from './h1-request.js';
import { Buffer } from 'node:buffer';

const MAX_HEAD = 64 * 1024;
/** Chunked bodies are collected up to this (the handler keeps no more for comparison either). */
const MAX_CHUNKED_KEPT = 4 << 20;

/** What the reader tells its connection. */
export interface ResponseEvents {
  /** The request the next response answers: the oldest in flight. */
  current(): H1Request | undefined;
  /** A final response's head (interim ones are skipped); the body follows, framed as `framing` says. */
  head(head: Head, req: H1Request, framing: Framing['kind']): void;
  /** Body bytes arrived: the body timeout starts again. */
  progress(): void;
  complete(): void;
  fail(err: Error): void;
}

/**
 * The response side of one connection: heads parsed with the capture parser, bodies framed by
 * Content-Length, chunked coding or the end of the connection. Bytes come from a read buffer that
 * the next read overwrites (see H1Connection), so whatever outlives a `feed` is copied.
 */
export class ResponseReader {
  private pending: Buffer | null = null;
  private state: 'head' | 'length' | 'chunked' | 'close' = 'head';
  private remaining = 0;
  private chunked: BodyReader | null = null;
  private stopped = false;
  /**
   * A server repeats its answer's head byte for byte within a second of Date: such a head is the last
   * one's parse again (its Headers shared and frozen, so the response redactor knows the list too).
   */
  private readonly heads = new HeadMemo('response', false);

  constructor(private readonly events: ResponseEvents) {}

  /** The body runs until the connection ends. */
  get untilClose(): boolean {
    return this.state === 'close';
  }

  /** No more parsing (the connection failed or closed). */
  stop(): void {
    this.stopped = true;
  }

  /** Bytes shared[0..n) arrived; returns true (go on reading: `onread` pauses on false). */
  feed(shared: Buffer, n: number): boolean {
    this.parse(shared, n);
    return true;
  }

  /** Reads buf[0..len): the shared read buffer is used as it is (no view made per read), so nothing here reads past `len`. */
  private parse(shared: Buffer, n: number): void {
    let buf = shared;
    let len = n;
    let owned = false;
    if (this.pending) {
      buf = Buffer.concat([this.pending, shared.subarray(0, n)]);
      len = buf.length;
      this.pending = null;
      owned = true;
    }
    let pos = 0;
    while (pos < len && !this.stopped) {
      const req = this.events.current();
      if (!req) return this.events.fail(clientError('UND_ERR_SOCKET', 'response without a request'));
      if (this.state === 'head') {
        let head = this.heads.again(buf, pos, len);
        if (head) pos += this.heads.length;
        else {
          const end = findHeadEnd(buf, pos, len);
          if (end < 0) {
            if (len - pos > MAX_HEAD) return this.events.fail(clientError('HPE_HEADER_OVERFLOW', 'response head too large'));
            this.pending = owned ? buf.subarray(pos, len) : Buffer.from(buf.subarray(pos, len));
            return;
          }
          head = this.heads.parse(buf, pos, end);
          if (!head) return this.events.fail(clientError('HPE_INVALID_CONSTANT', 'Response does not match the HTTP/1.1 protocol'));
          pos = end;
        }
        // Interim responses (100 Continue, 103 Early Hints) precede the real one.
        if (head.status >= 200 || head.status === 101) this.begin(head, req);
      } else if (this.state === 'length') {
        const take = Math.min(this.remaining, len - pos);
        this.remaining -= take;
        // The last bytes complete the response, which sets the connection's timeout itself: no progress then.
        this.body(req, buf, pos, pos + take, owned, this.remaining > 0);
        pos += take;
        if (this.remaining === 0) this.complete();
      } else if (this.state === 'close') {
        this.body(req, buf, pos, len, owned, true);
        pos = len;
      } else {
        // The chunked reader keeps views of what it reads, and reads to the end of the buffer.
        if (!owned) {
          buf = Buffer.from(buf.subarray(pos, len));
          len = buf.length;
          pos = 0;
          owned = true;
        }
        pos = this.readChunked(req, buf, pos);
        if (pos < 0) return;
      }
    }
  }

  /** The connection ended: that completes a body delimited by it. */
  end(): void {
    if (this.state === 'close') this.complete();
  }

  private begin(head: Head, req: H1Request): void {
    const framing = responseFraming(head, req.method);
    this.events.head(head, req, framing.kind);
    if (framing.kind === 'length') {
      this.state = 'length';
      this.remaining = framing.length;
    } else if (framing.kind === 'chunked') {
      this.state = 'chunked';
      this.chunked = new BodyReader('chunked', 0, MAX_CHUNKED_KEPT);
    } else if (framing.kind === 'close') this.state = 'close';
    else this.complete();
  }

  /** Returns where reading stopped, or -1 when the rest waits for more bytes or the body is malformed. */
  private readChunked(req: H1Request, buf: Buffer, pos: number): number {
    const body = this.chunked!;
    const next = body.read(buf, pos);
    this.events.progress();
    if (body.malformed) {
      this.events.fail(clientError('HPE_INVALID_CHUNK_SIZE', 'invalid chunked response body'));
      return -1;
    }
    if (body.waiting) {
      this.pending = buf.subarray(next);
      return -1;
    }
    if (body.done) {
      const b = body.finish();
      if (b && req.handler.wantsBody) req.handler.onData(bodyBytes(b));
      this.complete();
    }
    return next;
  }

  private body(req: H1Request, buf: Buffer, start: number, end: number, owned: boolean, progress: boolean): void {
    if (progress) this.events.progress();
    if (start === end || !req.handler.wantsBody) return;
    req.handler.onData(owned ? buf.subarray(start, end) : copyOut(buf, start, end));
  }

  private complete(): void {
    this.state = 'head';
    this.chunked = null;
    this.events.complete();
  }
}

/** The shared read buffer is overwritten by the next read: bytes kept are copied without a view made first (Buffer.copyBytesFrom costs 3× more in Node 20). */
function copyOut(buf: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  buf.copy(out, 0, start, end);
  return out;
}
