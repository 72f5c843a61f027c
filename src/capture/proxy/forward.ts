import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Exchange, ExchangeFlag, InterimResponse } from '../../exchange.js';
import { BodyTap } from './body-tap.js';
import { attach, connectionOf, detach } from './client-socket.js';
import { nowUs } from './clock.js';
import { forwardableRaw, pairsOf, tuplesOf } from './headers.js';
import { headWith, rawHead, sendHeadNow, upstreamRequest, upstreamTarget, type Upstream } from './upstream-request.js';

export interface ForwardOptions {
  upstream: Upstream;
  maxBodyBytes: number;
  capture: string;
  host: string;
  /** Set while shutting down: responses then say Connection: close so clients do not reuse the connection. */
  closing?: boolean;
  /** Set when the stop's grace ran out and the connections still open are being cut. */
  cutting?: boolean;
}

/** How an exchange ended, for the counters: only 'upstream-error' is the upstream's doing. */
export type Outcome = 'ok' | 'upstream-error' | 'client-abort' | 'request-timeout' | 'cut-at-stop';

/** What ClientRequest's 'information' event carries (a 1xx answer other than 101). */
type Interim = { statusCode: number; statusMessage: string; rawHeaders: string[] };

/**
 * One request streamed to the upstream and its response back, with backpressure both ways; `done` gets
 * the exchange as seen on the wire once the response ended, so recording work never sits between the
 * upstream's bytes and the client. The upstream gets the client's request line and header lines as
 * received (hop-by-hop ones aside), its body in its framing and its trailers; the client gets the
 * upstream's status, reason, headers in their case and order, body and trailers.
 */
export class Forwarding {
  readonly startUs = nowUs();
  requestEndUs: number;
  responseStartUs = -1;
  ures: IncomingMessage | undefined;
  reqTap: BodyTap | undefined;
  resTap: BodyTap | undefined;
  interim: InterimResponse[] | undefined;
  creq: ClientRequest;
  private readonly head: string;
  private readonly chunked: boolean;
  private ended = false;
  private retried = false;
  finished = false;
  timedOut = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly opts: ForwardOptions,
    readonly id: string,
    readonly done: (ex: Exchange, outcome: Outcome) => void,
  ) {
    this.requestEndUs = this.startUs;
    const up = opts.upstream;
    const raw = forwardableRaw(req.rawHeaders, 'request');
    this.head = rawHead(req.method ?? 'GET', upstreamTarget(up, req.url ?? '/'), req.httpVersion, raw);
    const h = req.headers;
    // The client framed its body with chunked coding: Node's server has decoded it, so it is re-chunked
    // (Node's parser refuses a request whose Transfer-Encoding does not end in chunked).
    this.chunked = h['transfer-encoding'] !== undefined;
    this.creq = this.send();
    if ((h['content-length'] === undefined || h['content-length'] === '0') && !this.chunked) {
      // No body (most requests): the head goes out alone, without a round of stream events.
      this.ended = true;
      this.creq.end();
    } else {
      req.on('data', (chunk: Buffer) => {
        (this.reqTap ??= new BodyTap(opts.maxBodyBytes)).add(chunk);
        if (!this.creq.write(chunk)) {
          req.pause();
          this.creq.once('drain', () => req.resume());
        }
      });
      req.on('end', () => {
        this.requestEndUs = nowUs();
        this.ended = true;
        if (req.rawTrailers.length) this.creq.addTrailers(tuplesOf(req.rawTrailers));
        this.creq.end();
      });
    }
    res.on('close', () => this.onClose());
    attach(req.socket, this);
  }

  /** The response or its socket closed: complete if every byte of the response was handed to the socket. */
  onClose(): void {
    if (this.res.writableFinished) this.finish();
    else this.clientGone();
  }

  private send(): ClientRequest {
    const req = this.req;
    const creq = upstreamRequest(this.opts.upstream, req.method ?? 'GET', this.head, this.chunked, req.httpVersionMinor >= 1 || req.httpVersionMajor > 1);
    // A client that sent Expect: 100-continue waits for the upstream's answer before its body: send the head now.
    if (req.headers.expect !== undefined) sendHeadNow(creq);
    creq.on('response', (ures: IncomingMessage) => this.onResponse(ures));
    creq.on('information', (info: Interim) => {
      (this.interim ??= []).push({ status: info.statusCode, reason: info.statusMessage, headers: pairsOf(info.rawHeaders), atUs: nowUs() });
      this.relayInterim(info);
    });
    creq.on('error', (err: NodeJS.ErrnoException) => this.onUpstreamError(creq, err));
    return creq;
  }

  /**
   * A 1xx answer reaches the client as the upstream sent it (103 Early Hints lets a browser preload):
   * 100 Continue only to a client that asked for it, none to an HTTP/1.0 client (RFC 9110 §15.2).
   */
  private relayInterim(info: Interim): void {
    const req = this.req;
    if (info.statusCode === 100) {
      if (req.headers.expect !== undefined) this.res.writeContinue();
      return;
    }
    if (req.httpVersionMajor === 1 && req.httpVersionMinor === 0) return;
    const head = headWith(`HTTP/1.1 ${info.statusCode} ${info.statusMessage}\r\n`, forwardableRaw(info.rawHeaders, 'response'));
    // writeEarlyHints would re-spell the Link header and drop the reason; the bytes go as they came.
    (this.res as unknown as { _writeRaw(data: string, encoding: BufferEncoding): void })._writeRaw(head, 'latin1');
  }

  private onResponse(ures: IncomingMessage): void {
    this.responseStartUs = nowUs();
    this.ures = ures;
    const res = this.res;
    if (this.opts.closing) res.shouldKeepAlive = false;
    res.sendDate = false; // add no header the upstream did not send
    res.writeHead(ures.statusCode ?? 502, ures.statusMessage, forwardableRaw(ures.rawHeaders, 'response'));
    ures.on('data', (chunk: Buffer) => {
      (this.resTap ??= new BodyTap(this.opts.maxBodyBytes)).add(chunk);
      if (!res.write(chunk)) {
        ures.pause();
        res.once('drain', () => ures.resume());
      }
    });
    ures.on('end', () => {
      if (ures.rawTrailers.length) res.addTrailers(tuplesOf(ures.rawTrailers));
      res.end(); // the exchange is recorded on 'close', once the response is flushed
    });
    ures.on('error', () => {
      // The upstream went away mid-body: the client must see a cut response, not a complete one.
      res.destroy();
      this.finish('response-truncated', 'upstream-error');
    });
  }

  private onUpstreamError(creq: ClientRequest, err: NodeJS.ErrnoException): void {
    if (this.finished || this.ures || creq !== this.creq) return;
    // A kept-alive connection the upstream closed just as the request went out: the upstream never saw
    // it, so a bodiless request is sent again, once, on a fresh connection.
    if (creq.reusedSocket && !this.retried && this.ended && !this.reqTap && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
      this.retried = true;
      this.creq = this.send();
      this.creq.end();
      return;
    }
    const res = this.res;
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`shadowtap record: upstream error: ${err.message}\n`);
    } else res.destroy();
    this.finish('no-response', 'upstream-error');
  }

  /** The client went away (or was timed out) mid-exchange: stop the upstream request too. */
  private clientGone(): void {
    this.creq.destroy();
    const flag: ExchangeFlag = this.timedOut || !this.req.complete ? 'request-truncated' : this.ures ? 'response-truncated' : 'no-response';
    this.finish(flag, this.timedOut ? 'request-timeout' : this.opts.cutting ? 'cut-at-stop' : 'client-abort');
  }

  finish(flag?: ExchangeFlag, outcome: Outcome = 'ok'): void {
    if (this.finished) return;
    this.finished = true;
    const req = this.req;
    const socket = req.socket;
    detach(socket, this);
    const ex: Exchange = {
      id: this.id,
      timing: { requestStartUs: this.startUs, requestEndUs: this.requestEndUs },
      connection: connectionOf(socket),
      request: { method: req.method ?? 'GET', target: req.url ?? '/', httpVersion: `HTTP/${req.httpVersion}`, headers: pairsOf(req.rawHeaders) },
      source: { capture: this.opts.capture, host: this.opts.host, kind: 'proxy' },
    };
    const reqBody = this.reqTap?.body();
    if (reqBody) ex.request.body = reqBody;
    if (req.rawTrailers.length) ex.request.trailers = pairsOf(req.rawTrailers);
    const ures = this.ures;
    if (ures) {
      ex.timing.responseStartUs = this.responseStartUs;
      ex.timing.responseEndUs = nowUs();
      ex.response = { status: ures.statusCode ?? 0, reason: ures.statusMessage ?? '', httpVersion: `HTTP/${ures.httpVersion}`, headers: pairsOf(ures.rawHeaders) };
      const resBody = this.resTap?.body();
      if (resBody) ex.response.body = resBody;
      if (ures.rawTrailers.length) ex.response.trailers = pairsOf(ures.rawTrailers);
      if (this.interim) ex.response.interim = this.interim;
    }
    if (flag) ex.flags = [flag];
    this.done(ex, outcome);
  }
}
