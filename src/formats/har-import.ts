import { Buffer } from 'node:buffer';
import type { Body, Exchange, ExchangeSource } from '../exchange.js';
import { describeZodError, fastParseHarEntry, harEntrySchema, type ParsedHarEntry } from './har-schema.js';
import { harRequestFields } from './har-request.js';

export class EntryError extends Error {}

/**
 * Validates one HAR entry (a capture line or an entry of a .har file) and turns it into an Exchange.
 * `undatedStartUs`: the start given to an entry without a usable startedDateTime (else that is an error).
 */
export function fromHarEntry(raw: unknown, fallbackId: string, undatedStartUs?: number): Exchange {
  const e = fastParseHarEntry(raw) ?? checked(raw);
  const ex: Exchange = {
    id: e._id ?? fallbackId,
    timing: e._timing ?? timingFromHar(e, undatedStartUs),
    request: {
      method: e.request.method,
      target: e._target ?? targetOf(e.request.url),
      httpVersion: e.request.httpVersion,
      ...harRequestFields(e.request.url, e.request.headers, e._target === undefined || e._hostDerived === true),
    },
  };
  const post = e.request.postData;
  if (post?.text !== undefined) ex.request.body = bodyOf(post.text, post._encoding === 'base64', e._requestBody);
  if (e._requestTrailers) ex.request.trailers = e._requestTrailers;
  if (!e._noResponse && e.response.status > 0) {
    const c = e.response.content;
    ex.response = {
      status: e.response.status,
      reason: e.response.statusText ?? '',
      httpVersion: e.response.httpVersion ?? '',
      headers: e.response.headers ?? [],
    };
    if (c?.text !== undefined) ex.response.body = bodyOf(c.text, c.encoding === 'base64', e._responseBody ?? { size: c.size ?? -1, truncated: false });
    if (e._responseTrailers) ex.response.trailers = e._responseTrailers;
    if (e._interim) ex.response.interim = e._interim;
  }
  if (e._connection) ex.connection = e._connection;
  if (e._flags) ex.flags = e._flags;
  if (e._source) ex.source = e._source as ExchangeSource;
  return ex;
}

/** zod decides what the fast check did not accept, and names the field when it is wrong. */
function checked(raw: unknown): ParsedHarEntry {
  const parsed = harEntrySchema().safeParse(raw);
  if (!parsed.success) throw new EntryError(describeZodError(parsed.error));
  return parsed.data;
}

function bodyOf(text: string, base64: boolean, meta: { size: number; truncated: boolean } | undefined): Body {
  // The kept bytes are measured only when the line does not say the size: decoding a base64 body to count it is the body's whole cost again.
  const size = meta && meta.size >= 0 ? meta.size : base64 ? Buffer.from(text, 'base64').length : Buffer.byteLength(text);
  return base64 ? { base64: text, size, truncated: meta?.truncated ?? false } : { text, size, truncated: meta?.truncated ?? false };
}

function targetOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/** startedDateTime in µs, or undefined when it is missing or not a date. */
export function harStartUs(startedDateTime: unknown): number | undefined {
  const ms = typeof startedDateTime === 'string' ? Date.parse(startedDateTime) : NaN;
  return Number.isNaN(ms) ? undefined : ms * 1000;
}

function timingFromHar(e: ParsedHarEntry, undatedStartUs: number | undefined): Exchange['timing'] {
  const start = harStartUs(e.startedDateTime) ?? undatedStartUs;
  if (start === undefined) {
    throw new EntryError(e.startedDateTime === undefined ? 'startedDateTime: missing' : `startedDateTime: not a date: ${JSON.stringify(e.startedDateTime)}`);
  }
  const pos = (v: number | undefined): number => (v !== undefined && v > 0 ? v * 1000 : 0);
  const send = pos(e.timings?.send);
  const requestEndUs = Math.round(start + send);
  if (e.response.status <= 0) return { requestStartUs: start, requestEndUs };
  const responseStartUs = Math.round(requestEndUs + pos(e.timings?.wait));
  return { requestStartUs: start, requestEndUs, responseStartUs, responseEndUs: Math.round(responseStartUs + pos(e.timings?.receive)) };
}
