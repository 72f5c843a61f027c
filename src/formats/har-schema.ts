import { createRequire } from 'node:module';
import type * as Zod from 'zod';
import { EXCHANGE_FLAGS } from '../exchange.js';
import { array, boolean, checker, literal, looseObject, number, object, oneOf, optional, string, zodOf, type Infer } from './shape.js';

const header = object({ name: string(), value: string() });
const bodyMeta = object({ size: number({ int: true, nonnegative: true }), truncated: boolean() });
const interim = object({ status: number({ int: true }), reason: string(), headers: array(header), atUs: number() });

/**
 * What a HAR 1.2 entry must have for shadowtap to use it; unknown fields are allowed (HAR tools add
 * many). The one definition: the fast check (capture lines, .har entries) and the zod schema (what
 * the check does not accept, and the field named when it is wrong) are both read from it.
 */
const HAR_ENTRY = looseObject({
  startedDateTime: optional(string()), // required by HAR 1.2; a missing one is reported, not fatal
  time: number(),
  request: looseObject({
    method: string({ min: 1 }),
    url: string({ min: 1 }),
    httpVersion: string(),
    headers: array(header),
    postData: optional(looseObject({ mimeType: optional(string()), text: optional(string()), _encoding: optional(literal('base64')) })),
    bodySize: optional(number()),
  }),
  response: looseObject({
    status: number({ int: true }),
    statusText: optional(string()),
    httpVersion: optional(string()),
    headers: optional(array(header)),
    content: optional(looseObject({ size: optional(number()), text: optional(string()), encoding: optional(string()) })),
  }),
  timings: optional(looseObject({ send: optional(number()), wait: optional(number()), receive: optional(number()) })),
  _id: optional(string()),
  _target: optional(string()),
  _timing: optional(object({ requestStartUs: number(), requestEndUs: number(), responseStartUs: optional(number()), responseEndUs: optional(number()) })),
  _connection: optional(object({ clientIp: string(), clientPort: number(), serverIp: string(), serverPort: number() })),
  _flags: optional(array(oneOf(EXCHANGE_FLAGS))),
  _source: optional(looseObject({ capture: optional(string()), host: optional(string()), kind: optional(string()) })),
  _requestBody: optional(bodyMeta),
  _responseBody: optional(bodyMeta),
  _requestTrailers: optional(array(header)),
  _responseTrailers: optional(array(header)),
  _interim: optional(array(interim)),
  _noResponse: optional(literal(true)),
  _hostDerived: optional(literal(true)),
});

export type ParsedHarEntry = Infer<typeof HAR_ENTRY>;

/** The fast check: the entry as zod would give it, or undefined (then zod decides, and names what is wrong). */
export const fastParseHarEntry = checker(HAR_ENTRY);

/**
 * zod is loaded on first use only: entries are checked by `fastParseHarEntry`, and zod runs only to
 * accept what that check did not, or to say what is wrong. Loading it costs ~50 ms of start-up that a
 * replay would otherwise pay before its first request.
 */
let built: Zod.ZodType<ParsedHarEntry> | undefined;

export function harEntrySchema(): Zod.ZodType<ParsedHarEntry> {
  built ??= zodOf(HAR_ENTRY, (createRequire(import.meta.url)('zod') as typeof Zod).z) as Zod.ZodType<ParsedHarEntry>;
  return built;
}

/** "request.headers[2].value: expected string" — the first problem, with its path. */
export function describeZodError(err: Zod.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
  return `${path || '(entry)'}: ${issue.message}`;
}
