import type { InterimResponse, RequestPart, ResponsePart } from '../exchange.js';
import type { ParsedMessage } from './parser.js';

// Plain data properties: a lazy `headers` accessor here (an object literal with get/set) was measured
// at ~40% more CPU for `cat`, most of it GC, so the parts copy the head's fields as they are. Each part
// has one shape, absent fields undefined (see newExchange in exchange.ts).

export function toRequestPart(m: ParsedMessage): RequestPart {
  return { method: m.method, target: m.target, httpVersion: m.httpVersion, headers: m.headers, body: m.body, trailers: m.trailers };
}

export function toResponsePart(m: ParsedMessage, interim?: InterimResponse[]): ResponsePart {
  return { status: m.status, reason: m.reason, httpVersion: m.httpVersion, headers: m.headers, body: m.body, trailers: m.trailers, interim: interim?.length ? interim : undefined };
}
