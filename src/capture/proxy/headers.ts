import { isHeaderNamed as isNamed, type Header } from '../../exchange.js';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, so a proxy must not pass them on.
 * They are still recorded as the client or server sent them. Transfer-Encoding, Trailer and Expect
 * stay: the body is forwarded in the client's framing (chunked re-chunked, trailers kept) and the
 * upstream's 100 Continue is relayed.
 */
const requestHop = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te'];
const responseHop = ['connection', 'keep-alive', 'proxy-connection'];

function isOneOf(name: string, lowers: readonly string[]): boolean {
  for (const l of lowers) if (isNamed(name, l)) return true;
  return false;
}

/** A raw [name, value, name, value…] list as ordered Header records. */
export function pairsOf(raw: readonly string[]): Header[] {
  const out: Header[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push({ name: raw[i] as string, value: raw[i + 1] as string });
  return out;
}

/** A raw [name, value, …] list as [name, value] tuples (what addTrailers takes). */
export function tuplesOf(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** The flat [name, value…] list without hop-by-hop headers (and without those the Connection header names). */
export function forwardableRaw(raw: readonly string[], direction: 'request' | 'response'): string[] {
  const hop = direction === 'request' ? requestHop : responseHop;
  let named: string[] | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const value = raw[i + 1]!;
    if (!isNamed(raw[i]!, 'connection') || isNamed(value, 'keep-alive') || isNamed(value, 'close')) continue;
    for (const token of value.split(',')) {
      const t = token.trim().toLowerCase();
      if (t && t !== 'close' && t !== 'keep-alive') (named ??= []).push(t);
    }
  }
  const flat: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (isOneOf(name, hop) || (named !== undefined && named.includes(name.toLowerCase()))) continue;
    flat.push(name, raw[i + 1]!);
  }
  return flat;
}
