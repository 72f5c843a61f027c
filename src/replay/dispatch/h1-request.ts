/**
 * Request bytes for the direct HTTP/1.1 client, written as undici writes them (so a target sees the
 * same request whichever client sent it): request line, `host` first, `connection: keep-alive`
 * (`close` after a HEAD, whose response some servers wrongly give a body), the headers in order,
 * `content-length` last when there is a body or the method expects one.
 */

import { Buffer } from 'node:buffer';
import type { Header } from '../../exchange.js';

/** The callbacks a request gets (RequestHandler's). */
export interface H1Handler {
  /** Called just before the request's first byte is written to its socket (undici calls it there too), with performance.now() then. */
  onConnect(atMs: number): void;
  /** The final response's head (status ≥ 200, or 101), headers as parsed. */
  onResponseHead(status: number, headers: Header[]): void;
  onData(chunk: Buffer): boolean;
  /** False when body bytes would be thrown away: they are then neither copied nor handed over. */
  readonly wantsBody: boolean;
  /** The response is whole; `atMs`: performance.now() when it was found so. */
  onComplete(trailers: string[] | null, atMs: number): void;
  onError(err: Error): void;
}

export interface H1Request {
  method: string;
  /** The whole request: a latin1 string when it has no body (see requestBytes). */
  bytes: string | Buffer;
  handler: H1Handler;
  /** Set when the answer is an error (a forward proxy's 407): the handler gets it once the body is read. */
  failed?: Error;
}

/** An error with undici's codes, so `classifyError` treats both clients alike. */
export function clientError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

// tchar (RFC 9110 §5.6.2); undici rejects methods and header names outside it, and so do we.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// undici's headerCharRegex: no control characters but tab (so no request splitting), nothing above U+00FF.
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** Lengths of the header names undici handles itself (host, expect, upgrade, connection, keep-alive, content-length, transfer-encoding). */
const SPECIAL_LENGTHS = new Set([4, 6, 7, 10, 14, 17]);
const REFUSED = new Set(['transfer-encoding', 'keep-alive', 'upgrade', 'expect']);
const EXPECTS_PAYLOAD = new Set(['POST', 'PUT', 'PATCH', 'QUERY']);
/**
 * Methods and header names already checked against TOKEN: a capture repeats a few dozen names, and
 * the test per header was a visible part of a request's cost at --speed 0. Bounded: past the cap,
 * names are tested each time.
 */
const checkedTokens = new Set<string>();
const MAX_CHECKED = 1024;

function isToken(s: string): boolean {
  if (checkedTokens.has(s)) return true;
  if (!TOKEN.test(s)) return false;
  if (checkedTokens.size < MAX_CHECKED) checkedTokens.add(s);
  return true;
}

/** undici's invalidPathRegex as a loop (a regex per path cost more than the rest of the request line): nothing below "!", nothing above U+00FF. */
function badPath(path: string): boolean {
  if (path.charCodeAt(0) !== 0x2f) return true;
  for (let i = 1; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x21 || c > 0xff) return true;
  }
  return false;
}

/** How requests go to a forward proxy: absolute-form targets (`origin` before the path) and its credentials. */
export interface ForwardForm {
  origin: string;
  /** `proxy-authorization: …\r\n`, or "". */
  authorization: string;
}

/**
 * The request head and body, written in one call (one write per request); throws on what undici
 * rejects. Without a body it is the head as a latin1 string: the socket copies a string into the
 * kernel directly, where a Buffer made of it first cost an allocation and a copy per request.
 */
export function requestBytes(method: string, path: string, headers: readonly string[], body: Uint8Array | null, defaultHost: string, forward?: ForwardForm): string | Buffer {
  if (!isToken(method)) throw clientError('UND_ERR_INVALID_ARG', 'invalid request method');
  if (badPath(path)) throw clientError('UND_ERR_INVALID_ARG', 'invalid request path');
  let host: string | undefined;
  let rest = '';
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    if (!isToken(name)) throw clientError('UND_ERR_INVALID_ARG', 'invalid header key');
    if (BAD_VALUE.test(value)) throw clientError('UND_ERR_INVALID_ARG', `invalid ${name} header`);
    if (!SPECIAL_LENGTHS.has(name.length)) {
      rest += `${name}: ${value}\r\n`;
      continue;
    }
    const lower = name.toLowerCase();
    if (lower === 'host') {
      if (host !== undefined) throw clientError('UND_ERR_INVALID_ARG', 'duplicate host header');
      host = value;
    } else if (REFUSED.has(lower)) throw clientError('UND_ERR_INVALID_ARG', `invalid ${lower} header`);
    // The client's own framing and connection handling decide these (replay drops them from recordings).
    else if (lower !== 'connection' && lower !== 'content-length') rest += `${name}: ${value}\r\n`;
  }
  const length = body?.length ?? 0;
  const cl = length > 0 || EXPECTS_PAYLOAD.has(method) ? `content-length: ${length}\r\n` : '';
  const connection = method === 'HEAD' ? 'close' : 'keep-alive';
  const target = forward ? forward.origin + path : path;
  const head = `${method} ${target} HTTP/1.1\r\nhost: ${host ?? defaultHost}\r\nconnection: ${connection}\r\n${forward ? forward.authorization : ''}${rest}${cl}\r\n`;
  if (!length) return head;
  const headLength = Buffer.byteLength(head, 'latin1');
  const out = Buffer.allocUnsafe(headLength + length);
  out.write(head, 0, 'latin1');
  out.set(body!, headLength);
  return out;
}
