import type { Body, Connection, Exchange, ExchangeSource } from '../exchange.js';
import { headerValueOf, serverLatencyUs } from '../exchange.js';
import { headerMemo, writeHeaders } from './har-headers.js';
import { writeQueryString } from './har-query.js';
import { harRequestHeaders, urlOf } from './har-request.js';
import { flat, json, JsonText, piece, PieceCache, Run, type JsonSink, type Piece } from './json-pieces.js';

export type { JsonSink, Piece } from './json-pieces.js';

/*
 * The one definition of a capture line / HAR entry (see HarEntry in har-entry.ts for its type): written
 * straight from an Exchange into a JsonSink, bytes for the capture file (LineBytes), a string for
 * everything else (harEntryText; toHarEntry parses that). No entry object or line string is built on
 * the capture-file path: at recording-proxy rates those were most of the writer's CPU and garbage.
 */

export const startedOf = (t: Exchange['timing']): string => new Date(Math.floor(t.requestStartUs / 1000)).toISOString();

// HAR's timings in µs (wait: serverLatencyUs), undefined where HAR says -1 (not known); written as milliseconds.
const timeUs = (t: Exchange['timing']): number => (t.responseEndUs ?? t.responseStartUs ?? t.requestEndUs) - t.requestStartUs;
const sendUs = (t: Exchange['timing']): number => t.requestEndUs - t.requestStartUs;
function receiveUs(t: Exchange['timing']): number | undefined {
  if (t.responseStartUs === undefined || t.responseEndUs === undefined) return undefined;
  const receive = t.responseEndUs - t.responseStartUs;
  return receive < 0 ? undefined : receive;
}
function harMs(o: JsonSink, us: number | undefined): void {
  if (us === undefined) o.num(-1);
  else o.ms(us);
}

// The fixed text between values, each run of it one piece.
const K = {
  started: piece('{"startedDateTime":'),
  time: piece(',"time":'),
  millisEnd: piece('Z","time":'),
  query: piece('],"queryString":'),
  noQuery: piece('],"queryString":[],"headersSize":-1,"bodySize":'),
  size: piece(',"headersSize":-1,"bodySize":'),
  postData: piece(',"postData":{"mimeType":'),
  text: piece(',"text":'),
  base64Post: piece(',"_encoding":"base64"}'),
  content: piece('],"content":{"size":'),
  base64: piece(',"encoding":"base64"'),
  send: piece('},"cache":{},"timings":{"send":'),
  wait: piece(',"wait":'),
  receive: piece(',"receive":'),
  id: piece('},"_id":'),
  target: piece(',"_target":'),
  timing: piece(',"_timing":'),
  requestBody: piece(',"_requestBody":'),
  responseBody: piece(',"_responseBody":'),
  noResponse: piece(',"_noResponse":true'),
  hostDerived: piece(',"_hostDerived":true'),
  size0: piece('{"size":'),
  notTruncated: piece(',"truncated":false}'),
  truncated: piece(',"truncated":true}'),
};
const TIMING_KEYS = ['requestStartUs', 'requestEndUs', 'responseStartUs', 'responseEndUs'] as const;
const TIMING = TIMING_KEYS.map((k, i) => piece(`${i ? ',' : '{'}"${k}":`));
const TIMING_FIELD = piece(`${K.timing.text}${TIMING[0]!.text}`);
const HEADERS = ',"cookies":[],"headers":[';
const STATUS = ['},"response":{"status":', ',"statusText":', ',"httpVersion":', HEADERS] as const;
const REDIRECT = ['},"redirectURL":', ',"headersSize":-1,"bodySize":'] as const;
// Runs: fixed text around values that mostly repeat from one entry to the next, each written as one piece.
const R = {
  method: new Run(',"request":{"method":', ',"url":'),
  version: new Run(',"httpVersion":', HEADERS),
  status: new Run(...STATUS),
  // A request without query or body: its tail and the status line as one run.
  plainStatus: new Run(`${K.noQuery.text}0${STATUS[0]}`, ...STATUS.slice(1)),
  mimeText: new Run(',"mimeType":', ',"text":'),
  mimeRedirect: new Run(',"mimeType":', ...REDIRECT),
  redirect: new Run(...REDIRECT),
};
// A body record's key with its opening, and the milliseconds of startedDateTime with the text after them.
const REQUEST_BODY = piece(`${K.requestBody.text}${K.size0.text}`);
const RESPONSE_BODY = piece(`${K.responseBody.text}${K.size0.text}`);

/** How many of TIMING_KEYS t holds, numbers in that order and nothing else; 0 when it is not such a record. */
function usualTiming(t: Exchange['timing']): number {
  let n = 0;
  if (Object.getPrototypeOf(t) !== Object.prototype) return 0;
  for (const k in t) {
    if (k !== TIMING_KEYS[n] || typeof t[k] !== 'number') return 0;
    n++;
  }
  return n;
}

/** The usual timing record (its keys in order, numbers) field by field; any other through the generic walk. */
function timing(o: JsonSink, t: Exchange['timing']): void {
  const n = usualTiming(t);
  if (n < 2) {
    o.piece(K.timing);
    return flat(o, t);
  }
  o.piece(TIMING_FIELD);
  o.num(t.requestStartUs);
  o.piece(TIMING[1]!);
  o.num(t.requestEndUs);
  if (n > 2) {
    o.piece(TIMING[2]!);
    o.num(t.responseStartUs!);
  }
  if (n > 3) {
    o.piece(TIMING[3]!);
    o.num(t.responseEndUs!);
  }
  o.raw('}');
}

// startedDateTime without a Date per exchange: the text up to the seconds is kept while the second lasts.
const MILLIS = Array.from({ length: 1000 }, (_, i) => piece(`${String(i).padStart(3, '0')}${K.millisEnd.text}`));
let isoSecond = NaN;
let isoPrefix = K.started;
/** The line's opening up to the time's value. */
function started(o: JsonSink, t: Exchange['timing']): void {
  const msTime = Math.floor(t.requestStartUs / 1000);
  const second = Math.floor(msTime / 1000);
  if (!(msTime >= 0 && msTime < 253_402_300_800_000)) {
    // outside years 1970–9999
    o.piece(K.started);
    o.str(startedOf(t));
    return o.piece(K.time);
  }
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = piece(`{"startedDateTime":"${new Date(second * 1000).toISOString().slice(0, 20)}`);
  }
  o.piece(isoPrefix);
  o.piece(MILLIS[msTime - second * 1000]!);
}

function bodyInfo(o: JsonSink, key: Piece, opening: Piece, b: Body): void {
  if (typeof b.truncated !== 'boolean') {
    o.piece(key);
    return o.raw(json({ size: b.size, truncated: b.truncated }));
  }
  o.piece(opening);
  o.num(b.size);
  o.piece(b.truncated ? K.truncated : K.notTruncated);
}

/** `_connection` and the two HAR fields read from it. */
function connectionFields(o: JsonSink, c: Connection): void {
  o.raw(',"_connection":');
  flat(o, c);
  if (c.serverIp !== undefined) {
    o.raw(',"serverIPAddress":');
    o.raw(json(c.serverIp));
  }
  o.raw(',"connection":');
  o.str(`${c.clientIp}:${c.clientPort}`);
}

function sourceField(o: JsonSink, s: ExchangeSource): void {
  o.raw(',"_source":');
  flat(o, s);
}

// A flow's exchanges share its connection object, a capture's its source object.
const connections = new PieceCache(connectionFields);
const sources = new PieceCache(sourceField);
const requestHeaders = headerMemo();
const responseHeaders = headerMemo();

/**
 * Writes an entry's JSON text, escaped exactly as JSON.stringify escapes (same keys and order in every sink; a test
 * checks it on generated exchanges) without building the entry or the line: a body is copied once,
 * from its string into the sink. Small nested values that are written whole go through JSON.stringify.
 */
export function writeHarEntry(ex: Exchange, o: JsonSink): void {
  const { request: req, response: res, timing: t } = ex;
  const url = urlOf(ex);
  started(o, t);
  o.ms(timeUs(t));
  o.run(R.method, req.method);
  o.str(url);
  o.run(R.version, req.httpVersion);
  writeHeaders(o, harRequestHeaders(req), requestHeaders);
  const query = url.includes('?');
  if (query || req.body) {
    if (query) {
      o.piece(K.query);
      writeQueryString(o, url);
      o.piece(K.size);
    } else o.piece(K.noQuery);
    o.num(req.body ? req.body.size : 0);
    if (req.body) {
      o.piece(K.postData);
      o.str(headerValueOf(req.headers, 'content-type') ?? '');
      o.piece(K.text);
      o.str(req.body.text ?? req.body.base64 ?? '');
      if (req.body.base64 !== undefined) o.piece(K.base64Post);
      else o.raw('}');
    }
    o.run(R.status, res?.status ?? 0, res?.reason ?? '', res?.httpVersion ?? '');
  } else o.run(R.plainStatus, res?.status ?? 0, res?.reason ?? '', res?.httpVersion ?? '');
  if (res) writeHeaders(o, res.headers, responseHeaders);
  const body = res?.body;
  o.piece(K.content);
  o.num(body?.size ?? 0);
  const mimeType = (res ? headerValueOf(res.headers, 'content-type') : undefined) ?? '';
  const location = res ? (headerValueOf(res.headers, 'location') ?? '') : '';
  const text = body?.base64 ?? body?.text;
  if (text !== undefined) {
    o.run(R.mimeText, mimeType);
    o.str(text);
    if (body?.base64 !== undefined) o.piece(K.base64);
    o.run(R.redirect, location);
  } else o.run(R.mimeRedirect, mimeType, location);
  o.num(body ? body.size : res ? 0 : -1);
  o.piece(K.send);
  o.ms(sendUs(t));
  o.piece(K.wait);
  harMs(o, serverLatencyUs(ex));
  o.piece(K.receive);
  harMs(o, receiveUs(t));
  o.piece(K.id);
  o.str(ex.id);
  o.piece(K.target);
  o.str(req.target);
  timing(o, t);
  if (req.body) bodyInfo(o, K.requestBody, REQUEST_BODY, req.body);
  if (body) bodyInfo(o, K.responseBody, RESPONSE_BODY, body);
  if (!res) o.piece(K.noResponse);
  if (req.hostDerived) o.piece(K.hostDerived);
  if (ex.connection) connections.put(o, ex.connection);
  if (ex.flags?.length) o.raw(`,"_flags":${json(ex.flags)}`);
  if (ex.source) sources.put(o, ex.source);
  if (req.trailers?.length) o.raw(`,"_requestTrailers":${json(req.trailers)}`);
  if (res?.trailers?.length) o.raw(`,"_responseTrailers":${json(res.trailers)}`);
  if (res?.interim?.length) o.raw(`,"_interim":${json(res.interim)}`);
  o.raw('}');
}

/** The entry's JSON text: what the capture file's line holds, without the newline. */
export function harEntryText(ex: Exchange): string {
  const sink = new JsonText();
  writeHarEntry(ex, sink);
  return sink.text;
}
