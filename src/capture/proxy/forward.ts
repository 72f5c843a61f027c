import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Exchange, ExchangeFlag } from '../../exchange.js';
import { BodyTap } from './body-tap.js';
import { nowUs } from './clock.js';
import { forwardableRaw, pairsOf, stringsOfBuffers } from './headers.js';

export interface ForwardOptions {
  /** Path prefix of the upstream URL ("" for none). */
  prefix: string;
  maxBodyBytes: number;
  capture: string;
  host: string;
  /** Set while shutting down: responses then say Connection: close so clients do not reuse the connection. */
  closing?: boolean;
}

const kForwarding = Symbol('shadowtap.forwarding');
type TaggedResponse = ServerResponse & { [kForwarding]?: Forwarding };

/**
 * Shared 'close' listener (`this` is the response), so a request costs no closure for it. Node emits
 * 'close' after 'finish' for a response that was sent whole, or alone when the client went away.
 */
function onResponseClose(this: TaggedResponse): void {
  const f = this[kForwarding];
  if (!f) return;
  if (this.writableFinished) f.finish();
  else f.clientGone();
}

/**
 * One request streamed to the upstream and its response back, with backpressure both ways; `done`
 * gets the exchange as seen on the wire. This object is undici's dispatch handler (its native callback
 * API: the newer controller API is adapted per request), so a request costs one object, not a set of
 * closures. Raw header order and case are kept (Node's rawHeaders, undici's raw response headers,
 * writeHead with a flat array). `done` runs after the response ended, so recording work never sits
 * between the upstream's bytes and the client.
 */
class Forwarding {
  readonly startUs = nowUs();
  requestEndUs: number;
  responseStartUs = -1;
  status = 0;
  reason = '';
  /** Response headers as [name, value, …] strings, as the upstream sent them. */
  resRaw: string[] | undefined;
  reqTap: BodyTap | undefined;
  resTap: BodyTap | undefined;
  abortUpstream: ((err?: Error) => void) | undefined;
  resume: (() => void) | undefined;
  finished = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: TaggedResponse,
    readonly opts: ForwardOptions,
    readonly id: string,
    readonly done: (ex: Exchange) => void,
  ) {
    this.requestEndUs = this.startUs;
  }

  async *requestBody(): AsyncGenerator<Buffer> {
    const tap = (this.reqTap = new BodyTap(this.opts.maxBodyBytes));
    for await (const chunk of this.req as AsyncIterable<Buffer>) {
      tap.add(chunk);
      yield chunk;
    }
    this.requestEndUs = nowUs();
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
  }

  onHeaders(statusCode: number, raw: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true; // interim responses are not relayed by Node's server API
    this.responseStartUs = nowUs();
    this.status = statusCode;
    this.reason = statusText;
    this.resume = resume;
    const strings = (this.resRaw = stringsOfBuffers(raw));
    const res = this.res;
    if (this.opts.closing) res.shouldKeepAlive = false;
    res.writeHead(statusCode, statusText, forwardableRaw(strings, 'response'));
    return true;
  }

  onData(chunk: Buffer): boolean {
    (this.resTap ??= new BodyTap(this.opts.maxBodyBytes)).add(chunk);
    if (this.res.write(chunk)) return true;
    // undici pauses until resume(): one 'drain' listener per pause, none on the common path.
    this.res.once('drain', this.resume!);
    return false;
  }

  onComplete(): void {
    this.res.end(); // the exchange is recorded on 'close', once the response is flushed
  }

  onError(err: Error): void {
    const res = this.res;
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`shadowtap record: upstream error: ${err.message}\n`);
      this.finish('no-response');
    } else {
      res.destroy(err);
      this.finish('response-truncated');
    }
  }

  /** The client went away mid-exchange: stop the upstream request too. */
  clientGone(): void {
    this.abortUpstream?.(new Error('client closed'));
    this.finish(this.responseStartUs < 0 ? 'no-response' : 'response-truncated');
  }

  finish(flag?: ExchangeFlag): void {
    if (this.finished) return;
    this.finished = true;
    this.res[kForwarding] = undefined;
    const req = this.req;
    const socket = req.socket;
    const ex: Exchange = {
      id: this.id,
      timing: { requestStartUs: this.startUs, requestEndUs: this.requestEndUs },
      connection: { clientIp: socket.remoteAddress ?? '', clientPort: socket.remotePort ?? 0, serverIp: socket.localAddress ?? '', serverPort: socket.localPort ?? 0 },
      request: { method: req.method ?? 'GET', target: req.url ?? '/', httpVersion: `HTTP/${req.httpVersion}`, headers: pairsOf(req.rawHeaders) },
      source: { capture: this.opts.capture, host: this.opts.host, kind: 'proxy' },
    };
    const reqBody = this.reqTap?.body();
    if (reqBody) ex.request.body = reqBody;
    if (this.responseStartUs >= 0) {
      ex.timing.responseStartUs = this.responseStartUs;
      ex.timing.responseEndUs = nowUs();
      ex.response = { status: this.status, reason: this.reason, httpVersion: 'HTTP/1.1', headers: pairsOf(this.resRaw!) };
      const resBody = this.resTap?.body();
      if (resBody) ex.response.body = resBody;
    }
    if (flag) ex.flags = [flag];
    this.done(ex);
  }
}

/** Streams one request to the upstream and its response back; `done` gets the exchange once it ended. */
export function forward(upstream: Dispatcher, req: IncomingMessage, res: ServerResponse, opts: ForwardOptions, id: string, done: (ex: Exchange) => void): void {
  const f = new Forwarding(req, res, opts, id, done);
  const tagged = res as TaggedResponse;
  tagged[kForwarding] = f;
  res.on('close', onResponseClose);
  const h = req.headers;
  const hasBody = h['content-length'] !== undefined ? h['content-length'] !== '0' : h['transfer-encoding'] !== undefined;
  upstream.dispatch(
    {
      origin: undefined,
      method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
      path: opts.prefix + (req.url ?? '/'),
      headers: forwardableRaw(req.rawHeaders, 'request'),
      // undici streams async iterables with backpressure; its types only list Readable.
      body: hasBody ? (f.requestBody() as unknown as Readable) : null,
    },
    f as unknown as Dispatcher.DispatchHandler,
  );
}
