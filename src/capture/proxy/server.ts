import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Exchange } from '../../exchange.js';
import { forwardingOn } from './client-socket.js';
import { Forwarding, type ForwardOptions, type Outcome } from './forward.js';
import { tunnel } from './tunnel.js';
import { MAX_HEADER_BYTES } from './upstream-request.js';

export interface ProxyServer {
  server: Server;
  /** Open CONNECT/Upgrade tunnels: they outlive HTTP and are cut when the proxy closes. */
  tunnels: Set<Duplex>;
  /** Resolves once every exchange begun so far has been handed over (a cut connection reports after the server closed). */
  drained(): Promise<void>;
}

/**
 * The recording proxy's HTTP server: node:http directly, because every request must reach the upstream
 * as sent. fastify's router answered 400 to targets such as `/%zz` and `/a%%b` (which upstreams accept),
 * and a framework adds nothing when the handler streams raw requests anyway. Node's own checks stay:
 * what its parser refuses is not HTTP/1.1.
 *
 * `requestTimeoutMs` bounds how long a request (head and body) may take to arrive: a slow or stalled
 * body is cut, answered 408 when no response has started, and counted.
 */
export function proxyServer(base: ForwardOptions, requestTimeoutMs: number, onExchange: (ex: Exchange, outcome: Outcome) => void): ProxyServer {
  let seq = 0;
  let open = 0;
  let onDrained: (() => void) | undefined;
  const tunnels = new Set<Duplex>();
  // Exchanges are handed over after the poll phase that finished them (setImmediate), in one go: the
  // recording work (redaction, serialising, compression) then never runs before responses that are
  // ready in the same phase are forwarded.
  let finished: [Exchange, Outcome][] = [];
  const handOver = (): void => {
    const batch = finished;
    finished = [];
    for (const [ex, outcome] of batch) {
      open--;
      onExchange(ex, outcome);
    }
    if (open === 0) onDrained?.();
  };
  const report = (ex: Exchange, outcome: Outcome): void => {
    if (finished.push([ex, outcome]) === 1) setImmediate(handOver);
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // `base` is read per request: its capture name is only known once the server listens.
    open++;
    new Forwarding(req, res, base, `${base.capture}-${++seq}`, report);
  };
  const server = createServer(
    {
      // An upstream may well accept a request without Host (HTTP/1.0 clients send none).
      requireHostHeader: false,
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(60_000, requestTimeoutMs),
      // How often Node checks the request timeouts: their resolution.
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 10))),
      // Longer than load balancers' idle timeouts (ALB: 60 s), so they never reuse a connection we are closing.
      keepAliveTimeout: 72_000,
      maxHeaderSize: MAX_HEADER_BYTES,
    },
    onRequest,
  );
  // Node keeps the first 2,000 header lines of a request and drops the rest without a word: the upstream
  // would get, and the capture record, another request. The byte cap above is the limit instead.
  server.maxHeadersCount = 0;
  // A client that half-closes after its requests (shutdown(SHUT_WR): `nc -N`, HTTP/1.0 scripts) still
  // reads the answers, as the upstream would give them; by default Node drops its requests and closes.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  // Without these listeners Node answers Expect itself (100 Continue, or 417 to any other expectation):
  // the upstream decides instead, and its 100 Continue is relayed.
  server.on('checkContinue', onRequest);
  server.on('checkExpectation', onRequest);
  const onTunnel = (req: IncomingMessage, socket: Duplex, early: Buffer): void => {
    tunnels.add(socket);
    socket.once('close', () => tunnels.delete(socket));
    open++;
    tunnel(req, socket, early, base, `${base.capture}-${++seq}`, report);
  };
  server.on('connect', onTunnel);
  server.on('upgrade', onTunnel);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const f = forwardingOn(socket);
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && f) f.timedOut = true;
    if (socket.writable && !f?.res.headersSent) {
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  const drained = (): Promise<void> => (open === 0 ? Promise.resolve() : new Promise((resolve) => (onDrained = resolve)));
  return { server, tunnels, drained };
}
