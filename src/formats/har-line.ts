import type { Body, Exchange, Header } from '../exchange.js';
import { headerValueOf, serverLatencyUs } from '../exchange.js';
import { harRequestHeaders, urlOf } from './har-request.js';

/*
 * The one definition of a capture line / HAR entry (see HarEntry in har-entry.ts for its type): written
 * straight from an Exchange into a JsonSink, bytes for the capture file (LineBytes), a string for
 * everything else (harEntryText; toHarEntry parses that). No entry object or line string is built on
 * the capture-file path: at recording-proxy rates those were most of the writer's CPU and garbage.
 */

/** Where writeHarEntry puts the JSON text of an entry, piece by piece. */
export interface JsonSink {
  /** JSON text, written as it is. */
  raw(json: string): void;
  /** A string value, quoted and escaped exactly as JSON.stringify does. */
  str(value: string): void;
  /** A number as JSON.stringify writes it. */
  num(value: number): void;
}

const ms = (us: number): number => Math.round(us) / 1000;

export const startedOf = (t: Exchange['timing']): string => new Date(Math.floor(t.requestStartUs / 1000)).toISOString();
export const timeOf = (t: Exchange['timing']): number => ms((t.responseEndUs ?? t.responseStartUs ?? t.requestEndUs) - t.requestStartUs);
export const sendOf = (t: Exchange['timing']): number => ms(t.requestEndUs - t.requestStartUs);
export const waitOf = (ex: Exchange): number => {
  const wait = serverLatencyUs(ex) ?? -1;
  return wait < 0 ? -1 : ms(wait);
};
export const receiveOf = (t: Exchange['timing']): number => {
  const receive = t.responseStartUs !== undefined && t.responseEndUs !== undefined ? t.responseEndUs - t.responseStartUs : -1;
  return receive < 0 ? -1 : ms(receive);
};

export function queryOf(url: string): { name: string; value: string }[] {
  // Without a '?' there is no query; parsing a URL per exchange was a visible part of writing a capture.
  if (!url.includes('?')) return [];
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

const json = (v: unknown): string => JSON.stringify(v) ?? 'null';

/** A flat record (timing, connection, source, a header) as JSON.stringify writes it; others through JSON.stringify. */
function flat(o: JsonSink, v: unknown): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return o.raw(json(v));
  const rec = v as Record<string, unknown>;
  let sep = '{';
  for (const k in rec) {
    if (!Object.hasOwn(rec, k)) continue;
    const x = rec[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    o.raw(sep);
    sep = ',';
    o.str(k);
    o.raw(':');
    if (typeof x === 'number') o.num(x);
    else if (typeof x === 'string') o.str(x);
    else o.raw(json(x));
  }
  o.raw(sep === '{' ? '{}' : '}');
}

/** An array of flat records (headers) as JSON.stringify writes it. */
function list(o: JsonSink, v: unknown): void {
  if (!Array.isArray(v)) return o.raw(json(v));
  o.raw('[');
  for (let i = 0; i < v.length; i++) {
    if (i > 0) o.raw(',');
    const h = v[i] as Header;
    if (isPlainHeader(h)) {
      o.raw('{"name":');
      o.str(h.name);
      o.raw(',"value":');
      o.str(h.value);
      o.raw('}');
    } else flat(o, h);
  }
  o.raw(']');
}

/** A header with exactly its two fields, in order (as every reader makes them): written without the generic walk. */
function isPlainHeader(h: Header): boolean {
  let n = 0;
  for (const k in h) {
    if (k !== (n === 0 ? 'name' : 'value') || ++n > 2) return false;
  }
  return n === 2 && typeof h.name === 'string' && typeof h.value === 'string' && Object.getPrototypeOf(h) === Object.prototype;
}

// startedDateTime without a Date per exchange: the text up to the seconds is kept while the second lasts.
const MILLIS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let isoSecond = NaN;
let isoPrefix = '';
function started(o: JsonSink, t: Exchange['timing']): void {
  const msTime = Math.floor(t.requestStartUs / 1000);
  const second = Math.floor(msTime / 1000);
  if (!(msTime >= 0 && msTime < 253_402_300_800_000)) return o.str(startedOf(t)); // outside years 1970–9999
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = `"${new Date(second * 1000).toISOString().slice(0, 20)}`;
  }
  o.raw(isoPrefix);
  o.raw(MILLIS[msTime - second * 1000]!);
  o.raw('Z"');
}

function bodyInfo(o: JsonSink, b: Body): void {
  if (typeof b.truncated !== 'boolean') return o.raw(json({ size: b.size, truncated: b.truncated }));
  o.raw('{"size":');
  o.num(b.size);
  o.raw(b.truncated ? ',"truncated":true}' : ',"truncated":false}');
}

/**
 * Writes an entry's JSON text, escaped exactly as JSON.stringify escapes (same keys and order in every sink; a test
 * checks it on generated exchanges) without building the entry or the line: a body is copied once,
 * from its string into the sink. Small nested values that are written whole go through JSON.stringify.
 */
export function writeHarEntry(ex: Exchange, o: JsonSink): void {
  const { request: req, response: res, timing: t } = ex;
  const url = urlOf(ex);
  o.raw('{"startedDateTime":');
  started(o, t);
  o.raw(',"time":');
  o.num(timeOf(t));
  o.raw(',"request":{"method":');
  o.str(req.method);
  o.raw(',"url":');
  o.str(url);
  o.raw(',"httpVersion":');
  o.str(req.httpVersion);
  o.raw(',"cookies":[],"headers":');
  list(o, harRequestHeaders(req));
  o.raw(',"queryString":');
  o.raw(url.includes('?') ? json(queryOf(url)) : '[]');
  o.raw(',"headersSize":-1,"bodySize":');
  o.num(req.body ? req.body.size : 0);
  if (req.body) {
    o.raw(',"postData":{"mimeType":');
    o.str(headerValueOf(req.headers, 'content-type') ?? '');
    o.raw(',"text":');
    o.str(req.body.text ?? req.body.base64 ?? '');
    o.raw(req.body.base64 !== undefined ? ',"_encoding":"base64"}' : '}');
  }
  o.raw('},"response":{"status":');
  o.num(res?.status ?? 0);
  o.raw(',"statusText":');
  o.str(res?.reason ?? '');
  o.raw(',"httpVersion":');
  o.str(res?.httpVersion ?? '');
  o.raw(',"cookies":[],"headers":');
  list(o, res?.headers ?? []);
  const body = res?.body;
  o.raw(',"content":{"size":');
  o.num(body?.size ?? 0);
  o.raw(',"mimeType":');
  o.str((res ? headerValueOf(res.headers, 'content-type') : undefined) ?? '');
  const text = body?.base64 ?? body?.text;
  if (text !== undefined) {
    o.raw(',"text":');
    o.str(text);
    if (body?.base64 !== undefined) o.raw(',"encoding":"base64"');
  }
  o.raw('},"redirectURL":');
  o.str(res ? (headerValueOf(res.headers, 'location') ?? '') : '');
  o.raw(',"headersSize":-1,"bodySize":');
  o.num(body ? body.size : res ? 0 : -1);
  o.raw('},"cache":{},"timings":{"send":');
  o.num(sendOf(t));
  o.raw(',"wait":');
  o.num(waitOf(ex));
  o.raw(',"receive":');
  o.num(receiveOf(t));
  o.raw('},"_id":');
  o.str(ex.id);
  o.raw(',"_target":');
  o.str(req.target);
  o.raw(',"_timing":');
  flat(o, t);
  if (req.body) {
    o.raw(',"_requestBody":');
    bodyInfo(o, req.body);
  }
  if (body) {
    o.raw(',"_responseBody":');
    bodyInfo(o, body);
  }
  if (!res) o.raw(',"_noResponse":true');
  if (req.hostDerived) o.raw(',"_hostDerived":true');
  const c = ex.connection;
  if (c) {
    o.raw(',"_connection":');
    flat(o, c);
    if (c.serverIp !== undefined) {
      o.raw(',"serverIPAddress":');
      o.raw(json(c.serverIp));
    }
    o.raw(',"connection":');
    o.str(`${c.clientIp}:${c.clientPort}`);
  }
  if (ex.flags?.length) o.raw(`,"_flags":${json(ex.flags)}`);
  if (ex.source) {
    o.raw(',"_source":');
    flat(o, ex.source);
  }
  if (req.trailers?.length) o.raw(`,"_requestTrailers":${json(req.trailers)}`);
  if (res?.trailers?.length) o.raw(`,"_responseTrailers":${json(res.trailers)}`);
  if (res?.interim?.length) o.raw(`,"_interim":${json(res.interim)}`);
  o.raw('}');
}

/** A JsonSink that builds the text as a string. */
class JsonText implements JsonSink {
  text = '';
  raw(json: string): void {
    this.text += json;
  }
  str(value: string): void {
    this.text += JSON.stringify(value);
  }
  num(value: number): void {
    this.text += Number.isFinite(value) ? JSON.stringify(value) : 'null';
  }
}

/** The entry's JSON text: what the capture file's line holds, without the newline. */
export function harEntryText(ex: Exchange): string {
  const sink = new JsonText();
  writeHarEntry(ex, sink);
  return sink.text;
}
