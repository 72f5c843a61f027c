import { connect, type Socket } from 'node:net';
import type { Head } from '../../capture/http/head.js';
import type { Framing } from '../../capture/http/framing.js';
import { clientError, type H1Request } from './h1-request.js';
import { ResponseReader } from './h1-response.js';

export interface H1Limits {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Idle time after which the connection is closed, unless the server's Keep-Alive hint is shorter. */
  keepAliveMs: number;
}

/** Close this long before the server's announced keep-alive timeout, as undici does. */
const KEEP_ALIVE_MARGIN_MS = 1000;
const NO_TRAILERS: string[] = [];
const NO_REQUEUE: H1Request[] = [];
/**
 * Every connection reads into this one buffer (`onread`: no stream machinery per read, ≈1.3 µs less
 * per response). The next read overwrites it, so the response reader copies whatever it keeps.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/**
 * One keep-alive HTTP/1.1 connection of the direct client: requests are written whole as they come
 * (pipelined up to the pool's limit) and answered in order. Timeouts are checked by the pool's
 * sweep (`check`), not a timer per request.
 */
export class H1Connection {
  readonly inflight: H1Request[] = [];
  /** No new requests: the server or a HEAD asked to close, or the connection is idle too long. */
  closing = false;
  closed = false;
  private readonly socket: Socket;
  private readonly reader: ResponseReader;
  private error: Error | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private deadline = Infinity;
  private inBody = false;
  /** performance.now() when the last response ended (or the connection opened). */
  idleSince = performance.now();
  private keepAliveMs: number;
  /** The last Keep-Alive header seen: servers repeat one value, so it is parsed once. */
  private keepAliveHint = '';
  /** Requests waiting for the connect: written (and timed) once it completes, not buffered by the socket. */
  private unwritten = 0;

  constructor(
    host: string,
    port: number,
    private readonly limits: H1Limits,
    private readonly onSettled: (c: H1Connection, requeue: H1Request[]) => void,
  ) {
    this.keepAliveMs = limits.keepAliveMs;
    this.reader = new ResponseReader({
      current: () => this.inflight[0],
      head: (head, req, framing) => this.onHead(head, req, framing),
      progress: () => void (this.deadline = performance.now() + limits.bodyTimeoutMs),
      complete: () => this.complete(),
      fail: (err) => this.destroy(err),
    });
    // TCP keep-alive after 60 s idle, as undici sets it.
    this.socket = connect({ host, port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 60_000, onread: { buffer: READ_BUFFER, callback: (n: number, buf: Uint8Array) => this.reader.feed(buf as Buffer, n) } });
    if (limits.connectTimeoutMs < Infinity) this.connectTimer = setTimeout(() => this.destroy(clientError('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error')), limits.connectTimeoutMs).unref();
    this.socket.on('connect', () => {
      clearTimeout(this.connectTimer);
      if (this.inflight.length) this.deadline = performance.now() + limits.headersTimeoutMs;
      const waiting = this.inflight.slice(this.inflight.length - this.unwritten);
      this.unwritten = 0;
      for (const req of waiting) this.write(req);
    });
    this.socket.on('end', () => {
      this.reader.end();
      this.socket.destroy();
    });
    this.socket.on('error', (err) => (this.error ??= err));
    this.socket.on('close', () => this.onClose());
  }

  send(req: H1Request): void {
    if (this.inflight.push(req) === 1) this.deadline = performance.now() + this.limits.headersTimeoutMs;
    if (req.method === 'HEAD') this.closing = true;
    if (this.socket.connecting) this.unwritten++;
    else this.write(req);
  }

  /** Ready to send without waiting for a connect (the pool prefers these). */
  get connected(): boolean {
    return !this.socket.connecting && !this.closed;
  }

  /** Resolves once connected, or closed (a failed connect). */
  whenConnected(): Promise<void> {
    if (!this.socket.connecting) return Promise.resolve();
    return new Promise((r) => {
      this.socket.once('connect', r);
      this.socket.once('close', r);
    });
  }

  /** The request's send time is when its bytes go to the kernel: lag after hand-over is lag too. */
  private write(req: H1Request): void {
    req.handler.onConnect();
    this.socket.write(req.bytes);
  }

  /** The pool's sweep: request timeouts, and closing a connection idle past its keep-alive. */
  check(now: number): void {
    if (this.closed) return;
    if (this.inflight.length === 0) {
      if (!this.closing && now - this.idleSince > this.keepAliveMs) this.end();
    } else if (now > this.deadline) {
      this.destroy(this.inBody ? clientError('UND_ERR_BODY_TIMEOUT', 'Body Timeout Error') : clientError('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error'));
    }
  }

  onceClosed(cb: () => void): void {
    if (this.closed) cb();
    else this.socket.once('close', cb);
  }

  end(): void {
    this.closing = true;
    this.socket.end();
  }

  destroy(err: Error): void {
    this.error ??= err;
    this.closing = true;
    this.reader.stop();
    this.socket.destroy();
  }

  private onHead(head: Head, req: H1Request, framing: Framing['kind']): void {
    this.keepAlive(head);
    // A body until the connection ends, or a protocol switch: nothing more can be sent on it.
    if (framing === 'close' || framing === 'tunnel') this.closing = true;
    req.handler.onResponseHead(head.status, head.headers);
    this.inBody = true;
    this.deadline = performance.now() + this.limits.bodyTimeoutMs;
  }

  /** `Connection: close`, HTTP/1.0 without keep-alive, and the server's `Keep-Alive: timeout=N`. */
  private keepAlive(head: Head): void {
    let persistent = head.httpVersion === 'HTTP/1.1';
    for (const h of head.headers) {
      if (h.name.length !== 10) continue;
      const name = h.name.toLowerCase();
      if (name === 'connection') {
        const v = h.value.toLowerCase();
        if (v.includes('close')) persistent = false;
        else if (v.includes('keep-alive')) persistent = true;
      } else if (name === 'keep-alive' && h.value !== this.keepAliveHint) {
        this.keepAliveHint = h.value;
        const m = /timeout=(\d+)/i.exec(h.value);
        if (m) this.keepAliveMs = Math.min(this.limits.keepAliveMs, Math.max(Number(m[1]) * 1000 - KEEP_ALIVE_MARGIN_MS, 500));
      }
    }
    if (!persistent) this.closing = true;
  }

  private complete(): void {
    const req = this.inflight.shift()!;
    this.inBody = false;
    const now = performance.now();
    this.deadline = this.inflight.length ? now + this.limits.headersTimeoutMs : Infinity;
    this.idleSince = now;
    let requeue = NO_REQUEUE;
    if (this.closing) {
      // The server closes after this response: requests pipelined behind it were never answered.
      requeue = this.inflight.splice(0);
      this.end();
    }
    req.handler.onComplete(NO_TRAILERS);
    this.onSettled(this, requeue);
  }

  private onClose(): void {
    this.closed = true;
    this.closing = true;
    this.reader.stop();
    clearTimeout(this.connectTimer);
    const err = this.error ?? clientError('UND_ERR_SOCKET', 'other side closed');
    for (const r of this.inflight.splice(0)) r.handler.onError(err);
    this.onSettled(this, NO_REQUEUE);
  }
}
