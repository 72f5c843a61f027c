import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Exchange, ExchangeFlag } from '../../exchange.js';
import { BodyTap } from './body-tap.js';
import { nowUs } from './clock.js';
import { forwardable, pairsOf, pairsOfBuffers } from './headers.js';

export interface ForwardOptions {
  /** Path prefix of the upstream URL ("" for none). */
  prefix: string;
  maxBodyBytes: number;
  id: string;
  capture: string;
  host: string;
  /** Set while shutting down: responses then say Connection: close so clients do not reuse the connection. */
  closing?: boolean;
}

/**
 * Streams one request to the upstream and its response back, with backpressure both ways, and calls
 * `done` with the exchange as seen on the wire. Raw header order and case are kept (Node's rawHeaders,
 * undici's raw response headers, writeHead with a flat array). `done` runs after the response ended,
 * so recording work never sits between the upstream's bytes and the client.
 */
export function forward(upstream: Dispatcher, req: IncomingMessage, res: ServerResponse, opts: ForwardOptions, done: (ex: Exchange) => void): void {
  const startUs = nowUs();
  const reqHeaders = pairsOf(req.rawHeaders);
  const reqTap = new BodyTap(opts.maxBodyBytes);
  const resTap = new BodyTap(opts.maxBodyBytes);
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  let requestEndUs = startUs;
  let responseStartUs: number | undefined;
  let status = 0;
  let reason = '';
  let resHeaders: Exchange['request']['headers'] = [];
  let abortUpstream: ((err?: Error) => void) | undefined;
  let finished = false;
  const flags: ExchangeFlag[] = [];

  async function* requestBody(): AsyncGenerator<Buffer> {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      reqTap.add(chunk);
      yield chunk;
    }
    requestEndUs = nowUs();
  }

  const finish = (extra?: ExchangeFlag): void => {
    if (finished) return;
    finished = true;
    if (extra) flags.push(extra);
    const ex: Exchange = {
      id: opts.id,
      timing: { requestStartUs: startUs, requestEndUs },
      connection: {
        clientIp: req.socket.remoteAddress ?? '',
        clientPort: req.socket.remotePort ?? 0,
        serverIp: req.socket.localAddress ?? '',
        serverPort: req.socket.localPort ?? 0,
      },
      request: { method: req.method ?? 'GET', target: req.url ?? '/', httpVersion: `HTTP/${req.httpVersion}`, headers: reqHeaders },
      source: { capture: opts.capture, host: opts.host, kind: 'proxy' },
    };
    const reqBody = reqTap.body();
    if (reqBody) ex.request.body = reqBody;
    if (responseStartUs !== undefined) {
      ex.timing.responseStartUs = responseStartUs;
      ex.timing.responseEndUs = nowUs();
      ex.response = { status, reason, httpVersion: 'HTTP/1.1', headers: resHeaders };
      const resBody = resTap.body();
      if (resBody) ex.response.body = resBody;
    }
    if (flags.length) ex.flags = flags;
    done(ex);
  };

  // A client that goes away mid-exchange: stop the upstream request too.
  res.on('close', () => {
    if (!res.writableFinished) {
      abortUpstream?.(new Error('client closed'));
      finish(responseStartUs === undefined ? 'no-response' : 'response-truncated');
    }
  });

  upstream.dispatch(
    {
      origin: undefined,
      method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
      path: opts.prefix + (req.url ?? '/'),
      headers: forwardable(reqHeaders, 'request'),
      // undici streams async iterables with backpressure; its types only list Readable.
      body: hasBody ? (requestBody() as unknown as Readable) : null,
    },
    {
      onConnect(abort: (err?: Error) => void) {
        abortUpstream = abort;
      },
      onHeaders(statusCode: number, raw: Buffer[], resume: () => void, statusText: string) {
        if (statusCode < 200) return true; // interim responses are not relayed by Node's server API
        responseStartUs = nowUs();
        status = statusCode;
        reason = statusText;
        resHeaders = pairsOfBuffers(raw);
        if (opts.closing) res.shouldKeepAlive = false;
        res.writeHead(statusCode, statusText, forwardable(resHeaders, 'response'));
        res.on('drain', resume);
        return true;
      },
      onData(chunk: Buffer) {
        resTap.add(chunk);
        return res.write(chunk);
      },
      onComplete() {
        res.end(() => finish());
      },
      onError(err: Error) {
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`shadowtap record: upstream error: ${err.message}\n`);
          finish('no-response');
        } else {
          res.destroy(err);
          finish('response-truncated');
        }
      },
    } as unknown as Dispatcher.DispatchHandler,
  );
}
