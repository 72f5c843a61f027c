import type { Header, InterimResponse, RequestPart, ResponsePart } from '../../exchange.js';
import type { ParsedMessage } from './parser.js';

// `headers` is an own, enumerable accessor that splits the head's header lines on first read (see
// Head.headers): spread, JSON.stringify and deep-equal see a plain array, and assigning replaces it.
// Written as literals: Object.defineProperty made every part a slow dictionary object.

export function toRequestPart(m: ParsedMessage): RequestPart {
  let list: Header[] | undefined;
  const part: RequestPart = {
    method: m.method,
    target: m.target,
    httpVersion: m.httpVersion,
    get headers(): Header[] {
      return (list ??= m.headers);
    },
    set headers(v: Header[]) {
      list = v;
    },
  };
  if (m.body) part.body = m.body;
  if (m.trailers) part.trailers = m.trailers;
  return part;
}

export function toResponsePart(m: ParsedMessage, interim: InterimResponse[] = []): ResponsePart {
  let list: Header[] | undefined;
  const part: ResponsePart = {
    status: m.status,
    reason: m.reason,
    httpVersion: m.httpVersion,
    get headers(): Header[] {
      return (list ??= m.headers);
    },
    set headers(v: Header[]) {
      list = v;
    },
  };
  if (m.body) part.body = m.body;
  if (m.trailers) part.trailers = m.trailers;
  if (interim.length) part.interim = interim;
  return part;
}
