import { Buffer } from 'node:buffer';
import type { Body, Header, RequestPart, ResponsePart } from '../exchange.js';
import { bodyBytes } from '../body.js';
import { endsChunked } from './framing.js';

/**
 * Raw HTTP/1.x bytes for a recorded message, headers exactly as recorded (case, order, repeats).
 * A chunked message is re-chunked as one chunk plus its trailers, so the framing its headers
 * announce still holds; everything else is written as it was.
 */
export function serializeRequest(req: RequestPart): Buffer {
  return message(`${req.method} ${req.target} ${v1(req.httpVersion)}`, req.headers, req.body, req.trailers);
}

/** HAR files from browsers carry HTTP/2 and h3 exchanges: written as HTTP/1.1, the only wire form here. */
function v1(version: string): string {
  return /^HTTP\/1\.[01]$/.test(version) ? version : 'HTTP/1.1';
}

export function serializeResponse(res: ResponsePart): Buffer {
  const parts: Buffer[] = [];
  for (const i of res.interim ?? []) parts.push(message(`${v1(res.httpVersion)} ${i.status} ${i.reason}`, i.headers, undefined, undefined));
  parts.push(message(`${v1(res.httpVersion)} ${res.status} ${res.reason}`, res.headers, res.body, res.trailers));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

function isChunked(headers: readonly Header[]): boolean {
  const te = headers.filter((h) => h.name.toLowerCase() === 'transfer-encoding').map((h) => h.value);
  return te.length > 0 && endsChunked(te.join(','));
}

function headerBlock(lines: readonly Header[]): string {
  let s = '';
  // HTTP/2 pseudo-headers (":authority") have no HTTP/1 form; the start line already says it.
  for (const h of lines) if (!h.name.startsWith(':')) s += `${h.name}: ${h.value}\r\n`;
  return s;
}

function message(startLine: string, headers: readonly Header[], body: Body | undefined, trailers: readonly Header[] | undefined): Buffer {
  const head = Buffer.from(`${startLine}\r\n${headerBlock(headers)}\r\n`, 'utf8');
  const bytes = bodyBytes(body);
  if (!isChunked(headers)) return bytes.length ? Buffer.concat([head, bytes]) : head;
  const chunk = bytes.length ? [Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')] : [];
  return Buffer.concat([head, ...chunk, Buffer.from(`0\r\n${headerBlock(trailers ?? [])}\r\n`, 'utf8')]);
}
