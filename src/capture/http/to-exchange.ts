import type { Header, InterimResponse, RequestPart, ResponsePart } from '../../exchange.js';
import type { ParsedMessage } from './parser.js';

/**
 * `part.headers` as an own, enumerable property that splits the head's header lines on first read (see
 * Head.headers): spread, JSON.stringify and deep-equal see a plain array, and assigning replaces it.
 */
function lazyHeaders<T extends object>(part: T, m: ParsedMessage): T & { headers: Header[] } {
  let list: Header[] | undefined;
  return Object.defineProperty(part, 'headers', {
    get: () => (list ??= m.headers),
    set: (v: Header[]) => void (list = v),
    enumerable: true,
    configurable: true,
  }) as T & { headers: Header[] };
}

export function toRequestPart(m: ParsedMessage): RequestPart {
  const part: RequestPart = lazyHeaders<Omit<RequestPart, 'headers'>>({ method: m.method ?? '', target: m.target ?? '', httpVersion: m.httpVersion }, m);
  if (m.body) part.body = m.body;
  if (m.trailers) part.trailers = m.trailers;
  return part;
}

export function toResponsePart(m: ParsedMessage, interim: InterimResponse[] = []): ResponsePart {
  const part: ResponsePart = lazyHeaders<Omit<ResponsePart, 'headers'>>({ status: m.status ?? 0, reason: m.reason ?? '', httpVersion: m.httpVersion }, m);
  if (m.body) part.body = m.body;
  if (m.trailers) part.trailers = m.trailers;
  if (interim.length) part.interim = interim;
  return part;
}
