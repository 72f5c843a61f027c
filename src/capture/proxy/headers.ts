import { isHeaderNamed as isNamed, type Header } from '../../exchange.js';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, so a proxy must not pass them on;
 * undici also refuses several of them. They are still recorded as the client or server sent them.
 * Transfer-Encoding stays on responses: Node's server frames the body by it.
 */
const requestHop = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'expect', 'trailer'];
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

/** undici's raw headers (Buffers, or arrays of Buffers for repeats after normalisation) as a flat string list. */
export function stringsOfBuffers(raw: readonly (Buffer | Buffer[] | string)[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString();
    const value = raw[i + 1]!;
    if (Array.isArray(value)) for (const v of value) out.push(name, v.toString('latin1'));
    else out.push(name, value.toString('latin1'));
  }
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
