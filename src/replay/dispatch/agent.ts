import { readFileSync } from 'node:fs';
import { Pool, ProxyAgent, type Dispatcher } from 'undici';
import { InputError } from '../../errors.js';
import type { TargetOptions } from '../types.js';

export interface TargetDispatcher {
  dispatcher: Dispatcher;
  origin: string;
  /** Path prefix of the target URL ("" or "/prefix"), prepended to every request target. */
  prefix: string;
  viaProxy: boolean;
}

/**
 * One undici dispatcher per target: a Pool for a direct origin, a ProxyAgent when a proxy is set.
 * Through a proxy, https targets go through a CONNECT tunnel (TLS end to end); http targets are sent
 * in absolute form to the proxy, which is what forward proxies (squid's default ACLs) accept.
 */
export function targetDispatcher(t: TargetOptions): TargetDispatcher {
  let url: URL;
  try {
    url = new URL(t.url);
  } catch {
    throw new InputError(`--target ${t.url}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`--target ${t.url}: only http:// and https:// targets`);
  const tls = { rejectUnauthorized: !t.insecure, ...(t.ca ? { ca: readCa(t.ca) } : {}) };
  const poolOpts = {
    connections: t.connections ?? 10,
    pipelining: t.pipelining ?? 1,
    connectTimeout: t.connectTimeoutMs ?? 10_000,
    headersTimeout: t.headersTimeoutMs ?? 30_000,
    bodyTimeout: t.bodyTimeoutMs ?? 30_000,
    keepAliveTimeout: 30_000,
  };
  const prefix = url.pathname.replace(/\/+$/, '');
  if (!t.proxy) return { dispatcher: new Pool(url.origin, { ...poolOpts, connect: tls }), origin: url.origin, prefix, viaProxy: false };
  let proxy: URL;
  try {
    proxy = new URL(t.proxy);
  } catch {
    throw new InputError(`--proxy ${t.proxy}: not a URL`);
  }
  const token = proxy.username ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}` : undefined;
  const uri = `${proxy.protocol}//${proxy.host}`;
  const dispatcher = new ProxyAgent({ uri, ...(token ? { token } : {}), ...poolOpts, requestTls: tls, proxyTls: tls, proxyTunnel: url.protocol === 'https:' });
  return { dispatcher, origin: url.origin, prefix, viaProxy: true };
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`--ca ${path}: ${(err as Error).message}`);
  }
}
