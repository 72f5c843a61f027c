import type { Header } from '../../exchange.js';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, so a proxy must not pass them on;
 * undici also refuses several of them. They are still recorded as the client or server sent them.
 * Transfer-Encoding stays on responses: Node's server frames the body by it.
 */
const requestHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'expect', 'trailer']);
const responseHop = new Set(['connection', 'keep-alive', 'proxy-connection']);

/** Node's rawHeaders ([name, value, name, value…]) as ordered Header records. */
export function pairsOf(raw: readonly string[]): Header[] {
  const out: Header[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push({ name: raw[i] as string, value: raw[i + 1] as string });
  return out;
}

/** undici's raw headers (Buffers, or arrays of Buffers for repeats after normalisation) as Header records. */
export function pairsOfBuffers(raw: readonly (Buffer | Buffer[] | string)[]): Header[] {
  const out: Header[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString();
    const value = raw[i + 1]!;
    if (Array.isArray(value)) for (const v of value) out.push({ name, value: v.toString('latin1') });
    else out.push({ name, value: value.toString('latin1') });
  }
  return out;
}

/** A flat [name, value…] list without hop-by-hop headers (and without those the Connection header names). */
export function forwardable(headers: readonly Header[], direction: 'request' | 'response'): string[] {
  const hop = direction === 'request' ? requestHop : responseHop;
  let named: Set<string> | undefined;
  for (const h of headers) {
    if (h.name.toLowerCase() !== 'connection') continue;
    for (const token of h.value.split(',')) {
      const t = token.trim().toLowerCase();
      if (t && t !== 'close' && t !== 'keep-alive') (named ??= new Set()).add(t);
    }
  }
  const flat: string[] = [];
  for (const h of headers) {
    const lower = h.name.toLowerCase();
    if (hop.has(lower) || named?.has(lower)) continue;
    flat.push(h.name, h.value);
  }
  return flat;
}
