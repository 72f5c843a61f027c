import { request as httpRequest, type Agent, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { UpstreamPool } from './upstream-pool.js';

export interface Upstream {
  url: URL;
  /** Path prefix of the upstream URL ("" for none). */
  prefix: string;
  /** Keep-alive connections to the upstream (ClientRequest's `agent`). */
  agent: UpstreamPool;
}

export function upstreamOf(url: URL): Upstream {
  return { url, prefix: url.pathname.replace(/\/$/, ''), agent: new UpstreamPool(url) };
}

/** The request target as the upstream gets it: origin-form under the upstream's path prefix; `*` and absolute forms as sent. */
export function upstreamTarget(up: Upstream, target: string): string {
  return target.startsWith('/') ? up.prefix + target : target;
}

/**
 * Header bytes each side may send at most (Node's default is 16 KiB): an ALB takes 64 KB of request
 * headers, and a proxy stricter than what sits in front of it and behind it would refuse real traffic.
 */
export const MAX_HEADER_BYTES = 64 * 1024;

/** The request head exactly as it goes on the wire: the client's method, target and version, then its header lines. */
export function rawHead(method: string, target: string, httpVersion: string, raw: readonly string[]): string {
  return headWith(`${method} ${target} HTTP/${httpVersion}\r\n`, raw);
}

/** A start line and the raw [name, value, …] header lines after it, then the blank line. */
export function headWith(startLine: string, raw: readonly string[]): string {
  let head = startLine;
  for (let i = 0; i + 1 < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return head + '\r\n';
}

/**
 * A Node client request that sends `head` verbatim. Node's ClientRequest always writes "HTTP/1.1" and
 * adds Connection (and Transfer-Encoding) itself; undici also lower-cases Host and Content-Length and
 * refuses `*` targets and repeated Host headers. So the head Node prepared is replaced, before anything
 * is sent (the socket is attached on a later tick), by the client's own; Node still frames the body
 * (`chunked` when the client's was) and parses the response, trailers and keep-alive included.
 */
export function upstreamRequest(up: Upstream, method: string, head: string, chunked: boolean, keepAlive: boolean): ClientRequest {
  const request = up.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const creq = request({ host: up.url.hostname, port: up.url.port, method, path: '/', headers: [], agent: up.agent as unknown as Agent, setHost: false, maxHeaderSize: MAX_HEADER_BYTES });
  // Node keeps the first 2,000 header lines of a response and drops the rest without a word; the byte cap above is the limit.
  creq.maxHeadersCount = 0;
  const internals = creq as unknown as { _header: string; chunkedEncoding: boolean; shouldKeepAlive: boolean; _last: boolean };
  internals._header = head;
  internals.chunkedEncoding = chunked;
  // An HTTP/1.0 request without keep-alive makes the upstream close after its response: do not reuse the socket.
  internals.shouldKeepAlive = keepAlive;
  internals._last = !keepAlive;
  return creq;
}

/** Sends the head before any body byte. flushHeaders() would write it as UTF-8; header bytes are Latin-1 strings. */
export function sendHeadNow(creq: ClientRequest): void {
  (creq as unknown as { _send(data: string, encoding: BufferEncoding): void })._send('', 'latin1');
}
