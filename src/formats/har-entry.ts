import type { Exchange, ExchangeFlag, Header, InterimResponse } from '../exchange.js';
import { harEntryText } from './har-line.js';

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

export { urlOf, harRequestHeaders } from './har-request.js';
export { startedOf } from './har-line.js';

/**
 * The entry as an object: the text writeHarEntry writes, parsed. writeHarEntry is the one definition
 * of an entry (keys, order, values); this form is for HAR export and callers that inspect fields, off
 * the capture-file path, so parsing the line back costs nothing that matters.
 */
export function toHarEntry(ex: Exchange): HarEntry {
  return JSON.parse(harEntryText(ex)) as HarEntry;
}
