import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { Exchange } from '../../exchange.js';
import { parseHeadText } from '../../http1/head.js';
import { nowUs } from './clock.js';
import { connectionOf } from './client-socket.js';
import type { ForwardOptions, Outcome } from './forward.js';
import { pairsOf } from './headers.js';
import { rawHead, upstreamTarget } from './upstream-request.js';

/** Bytes of the upstream's answer searched for the end of its head (what is recorded of a tunnel). */
const MAX_HEAD = 64 * 1024;

/**
 * CONNECT and Upgrade (WebSocket, h2c): the connection stops being HTTP, so the request head goes to the
 * upstream as received, every header included (Connection and Upgrade are what ask for the switch),
 * then bytes pass both ways untouched. The record holds the request and the upstream's answer head,
 * flagged `tunnel`; what follows it is not parsed.
 */
export function tunnel(req: IncomingMessage, client: Duplex, early: Buffer, opts: ForwardOptions, id: string, done: (ex: Exchange, outcome: Outcome) => void): Socket {
  const url = opts.upstream.url;
  const https = url.protocol === 'https:';
  const port = Number(url.port) || (https ? 443 : 80);
  const upstream: Socket = https ? tlsConnect({ host: url.hostname, port, servername: url.hostname }) : netConnect({ host: url.hostname, port });
  const method = req.method ?? 'GET';
  const target = method === 'CONNECT' ? (req.url ?? '') : upstreamTarget(opts.upstream, req.url ?? '/');
  upstream.write(rawHead(method, target, req.httpVersion, req.rawHeaders));
  if (early.length) upstream.write(early);
  const startUs = nowUs();
  const socket = req.socket;
  const ex: Exchange = {
    id,
    timing: { requestStartUs: startUs, requestEndUs: startUs },
    connection: connectionOf(socket),
    request: { method, target: req.url ?? '', httpVersion: `HTTP/${req.httpVersion}`, headers: pairsOf(req.rawHeaders) },
    source: { capture: opts.capture, host: opts.host, kind: 'proxy' },
    flags: ['tunnel'],
  };
  let recorded = false;
  const record = (outcome: Outcome): void => {
    if (recorded) return;
    recorded = true;
    if (!ex.response) ex.flags = ['no-response'];
    done(ex, outcome);
  };
  let seen = Buffer.alloc(0);
  let answered = false;
  const watchHead = (chunk: Buffer): void => {
    answered = true;
    seen = Buffer.concat([seen, chunk]);
    const end = seen.indexOf('\r\n\r\n');
    if (end < 0 && seen.length < MAX_HEAD) return;
    upstream.off('data', watchHead);
    // The one HTTP/1 head parser (capture/http), as for every captured response.
    const head = parseHeadText('response', seen.subarray(0, end < 0 ? seen.length : end).toString('latin1'));
    if (head) {
      ex.timing.responseStartUs = ex.timing.responseEndUs = nowUs();
      ex.response = { status: head.status, reason: head.reason, httpVersion: head.httpVersion, headers: head.headers };
    }
    record('ok');
  };
  upstream.on('data', watchHead);
  upstream.pipe(client);
  client.pipe(upstream);
  upstream.on('error', (err) => {
    // Nothing came back yet: the client gets a plain answer instead of a silently closed connection.
    if (!answered && client.writable) client.end(`HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nshadowtap record: upstream error: ${err.message}\n`);
    else client.destroy();
    record('upstream-error');
  });
  client.on('error', () => upstream.destroy());
  upstream.on('close', () => {
    client.destroy();
    record(answered ? 'ok' : 'upstream-error');
  });
  client.on('close', () => {
    upstream.destroy();
    record('client-abort');
  });
  return upstream;
}
