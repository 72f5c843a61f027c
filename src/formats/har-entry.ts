import type { Body, Exchange, ExchangeFlag, Header, InterimResponse } from '../exchange.js';
import { headerValueOf, serverLatencyUs } from '../exchange.js';
import { harRequestHeaders, urlOf } from './har-request.js';

/**
 * A HAR 1.2 entry with shadowtap's extra fields prefixed `_` (HAR's own rule for custom fields).
 * The `_` fields carry what HAR cannot say (µs timing, raw target, truncation), so a capture line
 * is a HAR entry and a HAR export is just a wrapper around the lines.
 */
export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: unknown[];
    headers: Header[];
    queryString: { name: string; value: string }[];
    postData?: { mimeType: string; text: string; _encoding?: 'base64' };
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: unknown[];
    headers: Header[];
    content: { size: number; mimeType: string; text?: string; encoding?: 'base64' };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  serverIPAddress?: string;
  connection?: string;
  _id: string;
  _target: string;
  _timing: Exchange['timing'];
  _connection?: Exchange['connection'];
  _flags?: ExchangeFlag[];
  _source?: Exchange['source'];
  _requestBody?: { size: number; truncated: boolean };
  _responseBody?: { size: number; truncated: boolean };
  _requestTrailers?: Header[];
  _responseTrailers?: Header[];
  _interim?: InterimResponse[];
  _noResponse?: true;
  /** The request's Host was derived (from `:authority` or the URL), so `request.headers` leaves it out. */
  _hostDerived?: true;
}

const ms = (us: number): number => Math.round(us) / 1000;

export { urlOf, harRequestHeaders } from './har-request.js';

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

export function toHarEntry(ex: Exchange): HarEntry {
  const { request: req, response: res, timing: t } = ex;
  const url = urlOf(ex);
  const entry: HarEntry = {
    startedDateTime: startedOf(t),
    time: timeOf(t),
    request: {
      method: req.method,
      url,
      httpVersion: req.httpVersion,
      cookies: [],
      headers: harRequestHeaders(req),
      queryString: queryOf(url),
      headersSize: -1,
      bodySize: req.body ? req.body.size : 0,
    },
    response: {
      status: res?.status ?? 0,
      statusText: res?.reason ?? '',
      httpVersion: res?.httpVersion ?? '',
      cookies: [],
      headers: res?.headers ?? [],
      content: contentOf(res?.body, res ? headerValueOf(res.headers, 'content-type') : undefined),
      redirectURL: res ? (headerValueOf(res.headers, 'location') ?? '') : '',
      headersSize: -1,
      bodySize: res?.body ? res.body.size : res ? 0 : -1,
    },
    cache: {},
    timings: { send: sendOf(t), wait: waitOf(ex), receive: receiveOf(t) },
    _id: ex.id,
    _target: req.target,
    _timing: t,
  };
  if (req.body) {
    entry.request.postData = {
      mimeType: headerValueOf(req.headers, 'content-type') ?? '',
      text: req.body.text ?? req.body.base64 ?? '',
      ...(req.body.base64 !== undefined ? { _encoding: 'base64' as const } : {}),
    };
    entry._requestBody = { size: req.body.size, truncated: req.body.truncated };
  }
  if (res?.body) entry._responseBody = { size: res.body.size, truncated: res.body.truncated };
  if (!res) entry._noResponse = true;
  if (req.hostDerived) entry._hostDerived = true;
  if (ex.connection) {
    entry._connection = ex.connection;
    entry.serverIPAddress = ex.connection.serverIp;
    entry.connection = `${ex.connection.clientIp}:${ex.connection.clientPort}`;
  }
  if (ex.flags?.length) entry._flags = ex.flags;
  if (ex.source) entry._source = ex.source;
  if (req.trailers?.length) entry._requestTrailers = req.trailers;
  if (res?.trailers?.length) entry._responseTrailers = res.trailers;
  if (res?.interim?.length) entry._interim = res.interim;
  return entry;
}

export function queryOf(url: string): { name: string; value: string }[] {
  // Without a '?' there is no query; parsing a URL per exchange was a visible part of writing a capture.
  if (!url.includes('?')) return [];
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function contentOf(body: Body | undefined, mimeType: string | undefined): HarEntry['response']['content'] {
  const content: HarEntry['response']['content'] = { size: body?.size ?? 0, mimeType: mimeType ?? '' };
  if (body?.base64 !== undefined) {
    content.text = body.base64;
    content.encoding = 'base64';
  } else if (body?.text !== undefined) content.text = body.text;
  return content;
}
