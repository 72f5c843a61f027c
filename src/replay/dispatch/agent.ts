import { Buffer } from 'node:buffer';
import { InputError } from '../../errors.js';
import type { TargetOptions } from '../types.js';
import type { TlsTrust } from './h1-dial.js';
import { H1Pool } from './h1-pool.js';
import { readCa } from './trust.js';

export interface TargetDispatcher {
  dispatcher: H1Pool;
  origin: string;
  /** Path prefix of the target URL ("" or "/prefix"), prepended to every request target. */
  prefix: string;
  viaProxy: boolean;
}

/**
 * One HTTP/1.1 pool per target, for every kind of target: plain http://, https:// (node:tls, SNI,
 * `--insecure`, `--ca`) and either through a proxy. Through a proxy, https targets go through a CONNECT
 * tunnel (TLS end to end); http targets are sent in absolute form to the proxy, which is what forward
 * proxies (squid's default ACLs) accept.
 */
export function targetDispatcher(t: TargetOptions): TargetDispatcher {
  let url: URL;
  try {
    url = new URL(t.url);
  } catch {
    throw new InputError(`--target ${t.url}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`--target ${t.url}: only http:// and https:// targets`);
  const tls: TlsTrust = { rejectUnauthorized: !t.insecure, ...(t.ca ? { ca: readCa(t.ca) } : {}) };
  const prefix = url.pathname.replace(/\/+$/, '');
  const pool = (proxy?: URL): H1Pool =>
    new H1Pool(url, {
      connections: t.connections ?? 10,
      pipelining: t.pipelining ?? 1,
      connectTimeoutMs: t.connectTimeoutMs ?? 10_000,
      headersTimeoutMs: t.headersTimeoutMs ?? 30_000,
      bodyTimeoutMs: t.bodyTimeoutMs ?? 30_000,
      keepAliveMs: 30_000,
      tls,
      ...(proxy ? { proxy: proxyHop(proxy, tls) } : {}),
    });
  if (!t.proxy) return { dispatcher: pool(), origin: url.origin, prefix, viaProxy: false };
  let proxy: URL;
  try {
    proxy = new URL(t.proxy);
  } catch {
    throw new InputError(`--proxy ${t.proxy}: not a URL`);
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') throw new InputError(`--proxy ${t.proxy}: only http:// and https:// proxies`);
  return { dispatcher: pool(proxy), origin: url.origin, prefix, viaProxy: true };
}

/** The proxy as a hop: its address, TLS when it is https:// (same trust as the target), Basic credentials from its userinfo. */
function proxyHop(proxy: URL, tls: TlsTrust): { host: string; port: number; tls?: TlsTrust; authorization?: string } {
  const https = proxy.protocol === 'https:';
  const hop = { host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(proxy.port || (https ? 443 : 80)), ...(https ? { tls } : {}) };
  if (!proxy.username) return hop;
  return { ...hop, authorization: `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}` };
}
