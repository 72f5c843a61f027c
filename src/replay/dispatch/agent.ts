import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import { InputError } from '../../errors.js';
import type { TargetOptions } from '../types.js';
import { H1Pool, type H1DispatchOptions } from './h1-pool.js';
import type { H1Handler } from './h1-request.js';

/** What TargetRunner needs of a dispatcher: undici's Pool/ProxyAgent, or the direct H1Pool. */
export interface ReplayDispatcher {
  dispatch(o: H1DispatchOptions & { origin: string }, handler: H1Handler & Dispatcher.DispatchHandler): boolean;
  close(): Promise<void>;
  destroy(): Promise<void>;
  /** Opens its connections (up to its limit) before a run starts (the direct client; undici connects on first use). */
  preconnect?(): Promise<void>;
}

// undici loads (~65 ms) only for a target that needs it: https, or a proxy.
const undici = (): typeof import('undici') => createRequire(import.meta.url)('undici') as typeof import('undici');

/** Does this target go through undici (https, a proxy, or SHADOWTAP_HTTP_CLIENT=undici)? */
export function needsUndici(t: TargetOptions): boolean {
  return !!t.proxy || !/^http:/i.test(t.url) || process.env.SHADOWTAP_HTTP_CLIENT === 'undici';
}

export interface TargetDispatcher {
  dispatcher: ReplayDispatcher;
  origin: string;
  /** Path prefix of the target URL ("" or "/prefix"), prepended to every request target. */
  prefix: string;
  viaProxy: boolean;
}

/**
 * One dispatcher per target: the direct HTTP/1.1 pool for a plain http:// origin, an undici Pool for
 * a direct https:// one (TLS), a ProxyAgent when a proxy is set.
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
  if (!needsUndici(t)) return { dispatcher: new H1Pool(url, { ...poolOpts, keepAliveMs: poolOpts.keepAliveTimeout, connectTimeoutMs: poolOpts.connectTimeout, headersTimeoutMs: poolOpts.headersTimeout, bodyTimeoutMs: poolOpts.bodyTimeout }), origin: url.origin, prefix, viaProxy: false };
  if (!t.proxy) return { dispatcher: new (undici().Pool)(url.origin, { ...poolOpts, connect: tls }) as unknown as ReplayDispatcher, origin: url.origin, prefix, viaProxy: false };
  let proxy: URL;
  try {
    proxy = new URL(t.proxy);
  } catch {
    throw new InputError(`--proxy ${t.proxy}: not a URL`);
  }
  const token = proxy.username ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}` : undefined;
  const uri = `${proxy.protocol}//${proxy.host}`;
  const dispatcher = new (undici().ProxyAgent)({ uri, ...(token ? { token } : {}), ...poolOpts, requestTls: tls, proxyTls: tls, proxyTunnel: url.protocol === 'https:' });
  return { dispatcher: dispatcher as unknown as ReplayDispatcher, origin: url.origin, prefix, viaProxy: true };
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`--ca ${path}: ${(err as Error).message}`);
  }
}
