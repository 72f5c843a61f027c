/**
 * The one record that flows through shadowtap: an HTTP request and, when seen, its response.
 * Every source yields `AsyncIterable<Exchange>`; every sink consumes one.
 *
 * Times are absolute, in integer microseconds since the Unix epoch, because packet timestamps are
 * that precise and replay schedules are computed from differences between them.
 */

/** A header as it stood on the wire: original case, original order, repeats kept. */
export interface Header {
  name: string;
  value: string;
}

/**
 * A message body. `text` holds it when it is valid UTF-8, `base64` otherwise. `size` is the size the
 * body had on the wire after de-chunking (before any truncation); `truncated` says whether the kept
 * bytes are fewer than `size`.
 */
export interface Body {
  text?: string;
  base64?: string;
  size: number;
  truncated: boolean;
}

export interface Connection {
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
}

export interface ExchangeTiming {
  /** First byte of the request. */
  requestStartUs: number;
  /** Last byte of the request (equals start when unknown). */
  requestEndUs: number;
  /** First byte of the final (non-1xx) response. */
  responseStartUs?: number;
  /** Last byte of the final response. */
  responseEndUs?: number;
}

export interface RequestPart {
  method: string;
  /** Path and query exactly as on the request line (origin-form), or authority/absolute form. */
  target: string;
  /** As recorded: "HTTP/1.1", "HTTP/1.0", and from HAR files also "HTTP/2.0", "h2", "h3", "". */
  httpVersion: string;
  headers: Header[];
  body?: Body;
  trailers?: Header[];
  /** The URL scheme when it is not "http" (a HAR entry's https:// URL, an ALB https/h2/wss line). */
  scheme?: string;
  /**
   * HTTP/2 and /3 pseudo-headers (`:method`, `:authority`, `:path`, `:scheme`) as a HAR recorded them.
   * Kept apart from `headers` so they are never sent; the start line and Host already say the same.
   */
  pseudoHeaders?: Header[];
  /** The Host header was not recorded: it was derived from `:authority` or the URL (exports leave it out). */
  hostDerived?: true;
}

export interface InterimResponse {
  status: number;
  reason: string;
  headers: Header[];
  atUs: number;
}

export interface ResponsePart {
  status: number;
  reason: string;
  httpVersion: string;
  headers: Header[];
  body?: Body;
  trailers?: Header[];
  /** 1xx responses seen before the final one (100 Continue, 103 Early Hints). */
  interim?: InterimResponse[];
}

/**
 * Why an exchange is not whole, or not ordinary. Flags are facts for the reader; a flagged exchange is
 * still written, because dropping it would hide exactly the traffic a user is looking for.
 */
export const EXCHANGE_FLAGS = [
  'gap', // bytes missing from the TCP stream inside this exchange
  'request-truncated', // request ended (FIN/RST/end of capture) before it was complete
  'response-truncated', // response ended before it was complete
  'no-response', // no response was seen
  'tunnel', // CONNECT or Upgrade: the bytes after the response were not parsed
  'memory-limit', // reassembly memory limit reached inside this exchange
  'malformed', // the request line is not valid HTTP/1.x; method and target are its first two fields
  'early-response', // the response started before the request ended (see serverLatencyUs)
  'pairing-guessed', // after a capture loss with several requests waiting (pipelining): paired by order, a guess
] as const;

export type ExchangeFlag = (typeof EXCHANGE_FLAGS)[number];

export interface ExchangeSource {
  /** Capture name: file name, interface, or recording proxy listen address. */
  capture?: string;
  /** Host that recorded it. */
  host?: string;
  /** How it was recorded. */
  kind?: 'pcap' | 'live' | 'proxy' | 'har' | 'gor' | 'alb-log';
}

export interface Exchange {
  /** Unique within its capture; stable across conversions. */
  id: string;
  timing: ExchangeTiming;
  connection?: Connection;
  request: RequestPart;
  response?: ResponsePart;
  flags?: ExchangeFlag[];
  source?: ExchangeSource;
}

/**
 * An exchange in its one shape: every field present, in this order, `undefined` where absent (readers
 * see no difference). Exchanges of one hidden class keep the code optimized on the first ones valid for
 * those that come later unanswered or flagged (at the end of a capture, or after a lost segment): each
 * other shape deoptimized the writer and redaction mid-run, and they were compiled again.
 */
export function newExchange(
  id: string,
  timing: ExchangeTiming,
  connection: Connection | undefined,
  request: RequestPart,
  response: ResponsePart | undefined,
  flags: ExchangeFlag[] | undefined,
  source: ExchangeSource | undefined,
): Exchange {
  return { id, timing, connection, request, response, flags, source };
}

/** A timing record in its one shape (see newExchange): the response's times undefined when there is none. */
export function newTiming(requestStartUs: number, requestEndUs: number, responseStartUs: number | undefined, responseEndUs: number | undefined): ExchangeTiming {
  return { requestStartUs, requestEndUs, responseStartUs, responseEndUs };
}

// A field takes the representation of the first value stored in it, and a field of doubles cannot hold
// undefined later without the map of every timing record being replaced (and the code reading them
// deoptimized), at the first unanswered exchange, mid-capture. The first record made holds undefined
// response times, so those fields hold any value from the start.
newTiming(0.5, 0.5, undefined, undefined);

/**
 * Server latency: response first byte minus request last byte, when both are known. A server may
 * answer before the request is complete (an early 401 or 413 to an upload): then the request end
 * does not bound the server's work, and latency is measured from the request's first byte instead
 * (the exchange is flagged `early-response`). Never negative either way.
 */
export function serverLatencyUs(ex: Exchange): number | undefined {
  const { responseStartUs, requestEndUs, requestStartUs } = ex.timing;
  if (responseStartUs === undefined) return undefined;
  const fromEnd = responseStartUs - requestEndUs;
  return fromEnd >= 0 ? fromEnd : Math.max(0, responseStartUs - requestStartUs);
}

/** Did the response start before the request ended? (The exchange's `early-response` flag.) */
export function isEarlyResponse(t: ExchangeTiming): boolean {
  return t.responseStartUs !== undefined && t.responseStartUs < t.requestEndUs;
}

export function headerValue(headers: readonly Header[], name: string): string | undefined {
  return headerValueOf(headers, name.toLowerCase());
}

/** name.toLowerCase() === lower, for a lower-case ASCII `lower`, without making the lower-cased copy (hot paths). */
export function isHeaderNamed(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 0x80) return name.toLowerCase() === lower; // Unicode case rules: rare, done the long way
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** headerValue for a lower-case ASCII name, without lower-cased copies. */
export function headerValueOf(headers: readonly Header[], lower: string): string | undefined {
  for (const h of headers) if (isHeaderNamed(h.name, lower)) return h.value;
  return undefined;
}

/**
 * What was made from a list of shared Header objects, kept by the list's first object: one lookup and a
 * comparison of pointers for the whole list. A parser shares a head's Headers between messages whose
 * heads are byte for byte the same and freezes them (http1/head-memo.ts); a frozen Header never changes,
 * so what was made from a list of them stays true. Only such lists are kept.
 */
export class SharedHeaderCache<V> {
  private readonly map = new WeakMap<Header, { headers: readonly Header[]; value: V }>();

  /** What was kept for exactly these objects in this order, else undefined. */
  get(hs: readonly Header[]): V | undefined {
    // No mayHold() first: a Header that is not frozen is never a key, and Object.isFrozen (a call into C++)
    // cost more than the lookup's miss.
    const first = hs[0];
    if (first === undefined) return undefined;
    const k = this.map.get(first);
    if (k === undefined || k.headers.length !== hs.length) return undefined;
    for (let i = 1; i < hs.length; i++) if (k.headers[i] !== hs[i]) return undefined;
    return k.value;
  }

  /** Whether hs can have a kept value (its first Header is frozen): a caller can skip making keep()'s closure. */
  mayHold(hs: readonly Header[]): boolean {
    const first = hs[0];
    return first !== undefined && Object.isFrozen(first);
  }

  /** make()'s value, kept for hs, when every Header of hs is frozen; else undefined (make is not called). */
  keep(hs: readonly Header[], make: () => V): V | undefined {
    if (hs.length === 0 || !hs.every((h) => Object.isFrozen(h))) return undefined;
    const value = make();
    this.map.set(hs[0]!, { headers: hs.slice(), value });
    return value;
  }
}
