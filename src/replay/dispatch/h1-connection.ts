import type { Socket } from 'node:net';
import type { Head } from '../../http1/head.js';
import { dial, type Route } from './h1-dial.js';
import type { Framing } from '../../http1/framing.js';
import { clientError, type H1Request } from './h1-request.js';
import { ResponseReader } from './h1-response.js';
import { Persistence } from './h1-persistence.js';
import { performance } from 'node:perf_hooks';

export interface H1Limits {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Idle time after which the connection is closed, unless the server's Keep-Alive hint is shorter. */
  keepAliveMs: number;
}

const NO_TRAILERS: string[] = [];
const NO_REQUEUE: H1Request[] = [];

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
  /**
   * A response has shown that the server keeps this connection open: only then is a request written
   * behind another (RFC 9112 §9.3.2), since one written behind a response that ends the connection
   * meets a closed socket.
   */
  persistent = false;
  /** The response being read ends the connection: requests written behind it were never answered. */
  private lastAnswer = false;
  /** The first socket (to the origin or the proxy): its close is the connection's close. */
  private readonly socket: Socket;
  /** Where requests are written, once TCP, TLS and any tunnel are up. */
  private out: Socket | undefined;
  private readyWaiters: (() => void)[] = [];
  private readonly reader: ResponseReader;
  private error: Error | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private deadline = Infinity;
  private inBody = false;
  /** performance.now() when the last response ended (or the connection opened). */
  idleSince = performance.now();
  private readonly persistence: Persistence;
  /** Requests waiting for the connect: written (and timed) once it completes, not buffered by the socket. */
  private unwritten = 0;

  constructor(
    private readonly route: Route,
    private readonly limits: H1Limits,
    private readonly onSettled: (c: H1Connection, requeue: H1Request[]) => void,
  ) {
    this.persistence = new Persistence(limits.keepAliveMs);
    this.reader = new ResponseReader({
      current: () => this.inflight[0],
      head: (head, req, framing) => this.onHead(head, req, framing),
      progress: () => void (this.deadline = performance.now() + limits.bodyTimeoutMs),
      complete: () => this.complete(),
      fail: (err) => this.destroy(err),
    });
    this.socket = dial(route, {
      bytes: (buf, n) => this.reader.feed(buf, n),
      ready: (out) => this.onReady(out),
      end: () => {
        this.reader.end();
        this.socket.destroy();
      },
      error: (err) => (this.error ??= err),
    });
    // The connect timeout covers the TLS handshake and the proxy's CONNECT too, as undici's does.
    if (limits.connectTimeoutMs < Infinity) this.connectTimer = setTimeout(() => this.destroy(clientError('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error')), limits.connectTimeoutMs).unref();
    this.socket.on('close', () => this.onClose());
  }

  private onReady(out: Socket): void {
    clearTimeout(this.connectTimer);
    this.out = out;
    if (this.inflight.length) this.deadline = performance.now() + this.limits.headersTimeoutMs;
    const waiting = this.inflight.slice(this.inflight.length - this.unwritten);
    this.unwritten = 0;
    for (const req of waiting) this.write(req);
    for (const w of this.readyWaiters.splice(0)) w();
  }

  send(req: H1Request): void {
    const first = this.inflight.push(req) === 1;
    if (req.method === 'HEAD') this.closing = true;
    // The clock read that times the write also starts the headers timeout: one read, not two.
    const now = this.out ? this.write(req) : (this.unwritten++, performance.now());
    if (first) this.deadline = now + this.limits.headersTimeoutMs;
  }

  /** Ready to send without waiting for a connect (the pool prefers these). */
  get connected(): boolean {
    return this.out !== undefined && !this.closed;
  }

  /** Resolves once connected, or closed (a failed connect). */
  whenConnected(): Promise<void> {
    if (this.out || this.closed) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  /** The request's send time is when its bytes go to the kernel: lag after hand-over is lag too. */
  private write(req: H1Request): number {
    const now = performance.now();
    req.handler.onConnect(now);
    if (typeof req.bytes === 'string') this.out!.write(req.bytes, 'latin1');
    else this.out!.write(req.bytes);
    return now;
  }

  /** The pool's sweep: request timeouts, and closing a connection idle past its keep-alive. */
  check(now: number): void {
    if (this.closed) return;
    if (this.inflight.length === 0) {
      if (!this.closing && now - this.idleSince > this.persistence.keepAliveMs) this.end();
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
    if (this.out) this.out.end();
    else this.socket.destroy();
  }

  destroy(err: Error): void {
    this.error ??= err;
    this.closing = true;
    this.reader.stop();
    this.out?.destroy();
    this.socket.destroy();
  }

  private onHead(head: Head, req: H1Request, framing: Framing['kind']): void {
    // A body until the connection ends, or a protocol switch: nothing more can be sent on it.
    const persistent = this.persistence.read(head) && framing !== 'close' && framing !== 'tunnel';
    if (persistent) this.persistent = true;
    else this.closing = this.lastAnswer = true;
    // A forward proxy that wants credentials answers for the origin: that is the proxy's error, as in undici.
    if (head.status === 407 && this.route.proxy && !this.route.origin.tls) req.failed = clientError('UND_ERR_PROXY', 'Proxy Authentication Required (407)');
    else req.handler.onResponseHead(head.status, head.headers);
    this.inBody = true;
    this.deadline = performance.now() + this.limits.bodyTimeoutMs;
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
    // Requeued before the answer frees a slot, so that they keep their place ahead of what is sent next.
    if (requeue.length) this.onSettled(this, requeue);
    if (req.failed) req.handler.onError(req.failed);
    else req.handler.onComplete(NO_TRAILERS, now);
    if (!requeue.length) this.onSettled(this, NO_REQUEUE);
  }

  private onClose(): void {
    this.closed = true;
    this.closing = true;
    this.reader.stop();
    clearTimeout(this.connectTimer);
    for (const w of this.readyWaiters.splice(0)) w();
    // Behind a response that ends the connection, the close (or the failed write that found it
    // closed: EPIPE, a reset) is not an answer to the requests after it: they go again, elsewhere.
    const requeue = this.lastAnswer ? this.inflight.splice(1) : NO_REQUEUE;
    const failed = this.inflight.splice(0);
    this.onSettled(this, requeue);
    const err = this.error ?? clientError('UND_ERR_SOCKET', 'other side closed');
    for (const r of failed) r.handler.onError(err);
  }
}
