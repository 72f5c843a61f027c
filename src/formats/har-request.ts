import type { Exchange, Header, RequestPart } from '../exchange.js';
import { headerValueOf, isHeaderNamed } from '../exchange.js';

/*
 * How a HAR request's URL and header list map onto an Exchange request and back. A HAR says the
 * scheme and authority in its URL, and browsers' HTTP/2 entries list `:authority`, `:method`, `:path`
 * and `:scheme` among the headers; the Exchange keeps HTTP/1 form (target + headers, sent as they are
 * on replay), so the pseudo-headers are kept apart and Host is derived when none was recorded. Export
 * undoes exactly that, so a HAR survives a round trip entry for entry.
 */

const ABSOLUTE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;

/**
 * The request fields a HAR entry gives, in Exchange form. `deriveHost`: a missing Host is derived (an
 * entry from another tool, or one of ours that says `_hostDerived`); shadowtap's own entries otherwise
 * list the headers as they were sent, and a request without Host stays without.
 */
export function harRequestFields(url: string, headers: Header[], deriveHost: boolean): Pick<RequestPart, 'headers' | 'scheme' | 'pseudoHeaders' | 'hostDerived'> {
  let plain = headers;
  let pseudo: Header[] | undefined;
  if (headers.some((h) => h.name.startsWith(':'))) {
    pseudo = headers.filter((h) => h.name.startsWith(':'));
    plain = headers.filter((h) => !h.name.startsWith(':'));
  }
  const derive = deriveHost && headerValueOf(plain, 'host') === undefined;
  // Most entries' URL is http:// with a Host header: nothing of the URL is needed then, and no match is made.
  const m = derive || !url.startsWith('http://') ? ABSOLUTE.exec(url) : null;
  const out: ReturnType<typeof harRequestFields> = { headers: plain };
  const scheme = m?.[1]!.toLowerCase();
  if (scheme && scheme !== 'http') out.scheme = scheme;
  if (pseudo) out.pseudoHeaders = pseudo;
  if (derive) {
    const authority = (pseudo && headerValueOf(pseudo, ':authority')) || m?.[2];
    if (authority) {
      out.headers = [{ name: 'Host', value: authority }, ...plain];
      out.hostDerived = true;
    }
  }
  return out;
}

/**
 * The header list a HAR entry records: pseudo-headers first (as browsers list them), no derived Host.
 * The four that repeat a request field take its value now, so a redacted target is not written back
 * in clear through `:path`.
 */
export function harRequestHeaders(req: RequestPart): Header[] {
  if (!req.pseudoHeaders && !req.hostDerived) return req.headers; // the usual case: no copy
  const host = req.hostDerived ? req.headers.findIndex((h) => isHeaderNamed(h.name, 'host')) : -1;
  const headers = host >= 0 ? req.headers.filter((_, i) => i !== host) : req.headers;
  return req.pseudoHeaders ? [...req.pseudoHeaders.map((h) => pseudoHeader(req, h)), ...headers] : headers;
}

function pseudoHeader(req: RequestPart, h: Header): Header {
  const value =
    h.name === ':method' ? req.method : h.name === ':path' ? req.target : h.name === ':scheme' ? (req.scheme ?? 'http') : h.name === ':authority' ? (headerValueOf(req.headers, 'host') ?? h.value) : h.value;
  return value === h.value ? h : { name: h.name, value };
}

/** The request's URL: its scheme, Host (else the server address), and target. */
export function urlOf(ex: Exchange): string {
  const req = ex.request;
  if (ABSOLUTE.test(req.target)) return req.target;
  const host = headerValueOf(req.headers, 'host') ?? (ex.connection ? `${ex.connection.serverIp}:${ex.connection.serverPort}` : 'localhost');
  return `${req.scheme ?? 'http'}://${host}${req.target.startsWith('/') ? '' : '/'}${req.target}`;
}
