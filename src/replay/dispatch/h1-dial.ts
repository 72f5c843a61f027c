import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { ConnectionOptions, SecureContext, TLSSocket } from 'node:tls';
import { findHeadEnd, parseHead } from '../../http1/head.js';
import { clientError } from './h1-request.js';
import { extraCas } from './extra-ca.js';

/** Trust settings of one TLS hop (`--insecure`, `--ca`: PEM text added to the default trust). */
export interface TlsTrust {
  rejectUnauthorized: boolean;
  ca?: string;
}

/** One hop: a host and port, over TLS or not. */
export interface Hop {
  host: string;
  port: number;
  tls?: TlsTrust;
}

/**
 * Where a connection goes: to the origin directly, or through an HTTP proxy: an https origin through a
 * CONNECT tunnel (TLS end to end), a plain one by sending absolute-form requests to the proxy.
 */
export interface Route {
  origin: Hop;
  proxy?: Hop & { authorization?: string };
}

/** What a dialled connection reports to its owner. */
export interface DialEvents {
  /** Response bytes: buf[0..n). For direct sockets (TCP or TLS) `buf` is a shared read buffer the next read overwrites. */
  bytes(buf: Buffer, n: number): void;
  /** Requests may now be written to `socket` (TCP, TLS and tunnel set up). */
  ready(socket: Socket): void;
  /** The server ended its side. */
  end(): void;
  /** Why the connection is about to close. */
  error(err: Error): void;
}

const MAX_CONNECT_HEAD = 16 * 1024;
/** Every direct connection (TCP or TLS) reads into this one buffer (`onread`: no stream machinery per read, ≈1.3 µs less per response). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
/**
 * The last TLS session of each hop, so that later connections resume instead of a full handshake (as
 * undici does). Keyed by the hop's trust settings (one per target): a session made under one trust must
 * not let another target skip its own certificate check.
 */
const sessions = new WeakMap<TlsTrust, Buffer>();

/**
 * node:tls is loaded at the first TLS hop: a replay of plain http:// targets never needs it, and
 * loading it (secure contexts, the TLS wrap) cost ~6 ms of every such run's start-up. Looked up by
 * property at each use, so that a test can observe the calls.
 */
let tlsModule: typeof import('node:tls') | undefined;
const tls = (): typeof import('node:tls') => (tlsModule ??= createRequire(import.meta.url)('node:tls') as typeof import('node:tls'));

/**
 * One secure context per trust store, shared by every connection and every target that uses it:
 * tls.connect otherwise builds one per connection (loading the default roots each time, ~0.5 ms of
 * CPU), and a store with `--ca` costs ~25 ms (Node's ~150 roots parsed again, since a `ca` list
 * replaces the default trust instead of adding to it). A context holds only the trust store (no SNI,
 * no verification choice, no client session: those are per connection and per hop), so sharing it
 * cannot loosen any connection's check. Keyed by the `--ca` text ('' for none).
 */
const contexts = new Map<string, SecureContext>();

function contextOf(trust: TlsTrust): SecureContext {
  const key = trust.ca ?? '';
  let c = contexts.get(key);
  if (!c) contexts.set(key, (c = tls().createSecureContext(trust.ca ? { ca: [...tls().rootCertificates, ...extraCas(), trust.ca] } : {})));
  return c;
}

function tlsConnect(opts: ConnectionOptions): TLSSocket {
  return tls().connect(opts);
}

/**
 * Opens one connection along `route` and returns its first socket (to the origin or the proxy): its
 * 'close' is the connection's close, and destroying it tears the whole connection down.
 */
export function dial(route: Route, ev: DialEvents): Socket {
  const { origin, proxy } = route;
  const first = proxy ?? origin;
  const tunnel = proxy !== undefined && origin.tls !== undefined;
  const raw = openHop(first, ev, !tunnel);
  if (!tunnel) return raw;
  // The tunnel: CONNECT over the first hop, then TLS to the origin inside it.
  const authority = `${origin.host.includes(':') ? `[${origin.host}]` : origin.host}:${origin.port}`;
  raw.once(first.tls ? 'secureConnect' : 'connect', () => {
    // Byte for byte what undici sends (proxies that took undici's tunnels take ours).
    raw.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\nconnection: close\r\n${proxy.authorization ? `proxy-authorization: ${proxy.authorization}\r\n` : ''}proxy-connection: keep-alive\r\n\r\n`, 'latin1');
  });
  let head: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    head = head.length ? Buffer.concat([head, chunk]) : chunk;
    const end = findHeadEnd(head, 0);
    if (end < 0) {
      if (head.length > MAX_CONNECT_HEAD) fail(clientError('UND_ERR_SOCKET', 'proxy CONNECT response head too large'));
      return;
    }
    raw.removeListener('data', onData);
    const status = parseHead('response', head, 0, end)?.status ?? 0;
    if (status !== 200) return fail(clientError('UND_ERR_ABORTED', `Proxy response (${status}) !== 200 when HTTP Tunneling`));
    // Nothing may come before the origin's TLS handshake: a proxy that sends more is not a tunnel.
    if (end < head.length) return fail(clientError('UND_ERR_SOCKET', 'proxy sent bytes after its CONNECT response'));
    const inner = secure(origin, ev, raw);
    // The inner socket's end is the connection's end.
    inner.once('close', () => raw.destroy());
  };
  const fail = (err: Error): void => {
    ev.error(err);
    raw.destroy();
  };
  raw.on('data', onData);
  return raw;
}

// TCP keep-alive after 60 s idle, as undici sets it.
const tcpOptions = (hop: Hop): { host: string; port: number; noDelay: true; keepAlive: true; keepAliveInitialDelay: number } => ({ host: hop.host, port: hop.port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 60_000 });

const readInto = (ev: DialEvents): { buffer: Buffer; callback: (n: number, buf: Uint8Array) => boolean } => ({ buffer: READ_BUFFER, callback: (n, buf) => (ev.bytes(buf as Buffer, n), true) });

/** The first hop: TCP, or TLS over it; `serve`: it carries HTTP itself (else a CONNECT tunnel runs over it). */
function openHop(hop: Hop, ev: DialEvents, serve: boolean): Socket {
  if (hop.tls) return secure(hop, serve ? ev : { ...ev, ready: () => undefined, end: () => undefined, bytes: () => undefined }, undefined, serve);
  const socket = netConnect({ ...tcpOptions(hop), ...(serve ? { onread: readInto(ev) } : {}) });
  socket.on('error', (err) => ev.error(err));
  if (serve) {
    socket.once('connect', () => ev.ready(socket));
    socket.on('end', () => ev.end());
  }
  return socket;
}

/**
 * TLS to `hop`, over a new TCP connection or over `over` (a tunnel); ALPN says HTTP/1.1, SNI names the
 * host. `serve`: it carries HTTP (else a CONNECT is read from it as 'data').
 */
function secure(hop: Hop, ev: DialEvents, over?: Socket, serve = true): TLSSocket {
  const trust = hop.tls!;
  const session = sessions.get(trust);
  const opts: ConnectionOptions = { rejectUnauthorized: trust.rejectUnauthorized, ALPNProtocols: ['http/1.1'], secureContext: contextOf(trust), ...(isIP(hop.host) ? {} : { servername: hop.host }), ...(session ? { session } : {}) };
  // Decrypted bytes of a direct connection go to the one read buffer as for plain TCP (tls ignores
  // `onread` over a given socket): no stream push, 'data' event and Buffer per read.
  const direct = !over && serve;
  const socket = over ? tlsConnect({ ...opts, socket: over }) : tlsConnect({ ...opts, ...tcpOptions(hop), ...(direct ? { onread: readInto(ev) } : {}) } as ConnectionOptions);
  socket.on('session', (s: Buffer) => sessions.set(trust, s));
  socket.on('error', (err) => ev.error(err));
  socket.once('secureConnect', () => ev.ready(socket));
  if (!direct) socket.on('data', (chunk: Buffer) => ev.bytes(chunk, chunk.length));
  socket.on('end', () => ev.end());
  return socket;
}
