import { EXCHANGE_FLAGS } from '../exchange.js';
import type { ParsedHarEntry } from './har-schema.js';

/**
 * A hand-written twin of `harEntrySchema.safeParse` for the common case: zod costs ~3 µs per capture
 * line, which is a large share of reading a capture as fast as `replay --speed 0` sends it.
 * It accepts only what the schema accepts and returns the same shape (loose objects kept as they
 * are, strict ones copied with just their known keys); anything it does not accept returns
 * undefined, and the caller runs zod, which either accepts it or says what is wrong.
 */
export function fastParseHarEntry(e: unknown): ParsedHarEntry | undefined {
  if (!isObj(e) || !optStr(e.startedDateTime) || !isNum(e.time)) return undefined;
  const q = e.request;
  if (!isObj(q) || !nonEmpty(q.method) || !nonEmpty(q.url) || typeof q.httpVersion !== 'string' || !optNum(q.bodySize)) return undefined;
  const reqHeaders = headers(q.headers);
  if (!reqHeaders) return undefined;
  const post = q.postData;
  if (post !== undefined && !(isObj(post) && optStr(post.mimeType) && optStr(post.text) && (post._encoding === undefined || post._encoding === 'base64'))) return undefined;
  const s = e.response;
  if (!isObj(s) || !isInt(s.status) || !optStr(s.statusText) || !optStr(s.httpVersion)) return undefined;
  const resHeaders = s.headers === undefined ? undefined : headers(s.headers);
  if (s.headers !== undefined && !resHeaders) return undefined;
  const c = s.content;
  if (c !== undefined && !(isObj(c) && optNum(c.size) && optStr(c.text) && optStr(c.encoding))) return undefined;
  const t = e.timings;
  if (t !== undefined && !(isObj(t) && optNum(t.send) && optNum(t.wait) && optNum(t.receive))) return undefined;
  if (!optStr(e._id) || !optStr(e._target) || (e._noResponse !== undefined && e._noResponse !== true) || (e._hostDerived !== undefined && e._hostDerived !== true)) return undefined;
  const src = e._source;
  if (src !== undefined && !(isObj(src) && optStr(src.capture) && optStr(src.host) && optStr(src.kind))) return undefined;
  const out = { ...e, request: { ...q, headers: reqHeaders }, response: resHeaders ? { ...s, headers: resHeaders } : s } as Record<string, unknown>;
  return optional(e, out) ? (out as ParsedHarEntry) : undefined;
}

/** The rarer `_` fields, each copied with only its known keys (zod strips the rest). */
function optional(e: Record<string, unknown>, out: Record<string, unknown>): boolean {
  if (e._timing !== undefined) {
    const t = e._timing;
    if (!isObj(t) || !isNum(t.requestStartUs) || !isNum(t.requestEndUs) || !optNum(t.responseStartUs) || !optNum(t.responseEndUs)) return false;
    out._timing = { requestStartUs: t.requestStartUs, requestEndUs: t.requestEndUs, ...(t.responseStartUs !== undefined ? { responseStartUs: t.responseStartUs } : {}), ...(t.responseEndUs !== undefined ? { responseEndUs: t.responseEndUs } : {}) };
  }
  if (e._connection !== undefined) {
    const c = e._connection;
    if (!isObj(c) || typeof c.clientIp !== 'string' || !isNum(c.clientPort) || typeof c.serverIp !== 'string' || !isNum(c.serverPort)) return false;
    out._connection = { clientIp: c.clientIp, clientPort: c.clientPort, serverIp: c.serverIp, serverPort: c.serverPort };
  }
  if (e._flags !== undefined && !(Array.isArray(e._flags) && e._flags.every((f) => FLAGS.has(f)))) return false;
  for (const k of BODY_META) {
    if (e[k] === undefined) continue;
    const b = e[k];
    if (!isObj(b) || !isInt(b.size) || b.size < 0 || typeof b.truncated !== 'boolean') return false;
    out[k] = { size: b.size, truncated: b.truncated };
  }
  for (const k of TRAILERS) {
    if (e[k] === undefined) continue;
    const h = headers(e[k]);
    if (!h) return false;
    out[k] = h;
  }
  if (e._interim !== undefined) {
    if (!Array.isArray(e._interim)) return false;
    const list = [];
    for (const i of e._interim as unknown[]) {
      if (!isObj(i) || !isInt(i.status) || typeof i.reason !== 'string' || !isNum(i.atUs)) return false;
      const h = headers(i.headers);
      if (!h) return false;
      list.push({ status: i.status, reason: i.reason, headers: h, atUs: i.atUs });
    }
    out._interim = list;
  }
  return true;
}

const BODY_META = ['_requestBody', '_responseBody'] as const;
const TRAILERS = ['_requestTrailers', '_responseTrailers'] as const;
const FLAGS = new Set<unknown>(EXCHANGE_FLAGS);

function headers(v: unknown): { name: string; value: string }[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = new Array<{ name: string; value: string }>(v.length);
  for (let i = 0; i < v.length; i++) {
    const h: unknown = v[i];
    if (!isObj(h) || typeof h.name !== 'string' || typeof h.value !== 'string') return undefined;
    out[i] = { name: h.name, value: h.value };
  }
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
function isInt(v: unknown): v is number {
  return Number.isSafeInteger(v);
}
function nonEmpty(v: unknown): boolean {
  return typeof v === 'string' && v.length > 0;
}
function optStr(v: unknown): boolean {
  return v === undefined || typeof v === 'string';
}
function optNum(v: unknown): boolean {
  return v === undefined || isNum(v);
}
