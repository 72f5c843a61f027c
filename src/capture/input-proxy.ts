import { hostname } from 'node:os';
import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';
import { httpUrlProblem, listenProblem, splitListen } from './proxy/address.js';
import { DropQueue } from './proxy/drop-queue.js';
import { proxyServer } from './proxy/server.js';
import { upstreamOf } from './proxy/upstream-request.js';

export interface RecordingProxyOptions {
  host: string;
  port: number;
  upstream: string;
  /** Body bytes kept per message (default 1 MiB, as packet capture). */
  maxBodyBytes?: number;
  /** Exchanges waiting for the consumer at most; beyond, dropped and counted (default 10,000). */
  queueCapacity?: number;
  /** How long a request (head and body) may take to arrive (default 300 s, Node's). */
  requestTimeoutMs?: number;
  /** How long close() lets requests in flight finish before cutting them (default 10 s). */
  stopGraceMs?: number;
}

export interface RecordingProxyStats {
  requests: number;
  recorded: number;
  dropped: number;
  /** Requests the upstream did not answer whole (refused, reset, cut mid-response). */
  upstreamErrors: number;
  /** Clients that went away before their response was complete. */
  clientAborts: number;
  /** Requests cut because their head or body did not arrive within the request timeout. */
  requestTimeouts: number;
  /** Requests still in flight when the stop's grace ran out, cut. */
  cutAtStop: number;
  queued: number;
}

export interface RecordingProxy {
  /** Every recorded exchange, in completion order; ends after close(). Single consumer. */
  exchanges: DropQueue<Exchange>;
  stats(): RecordingProxyStats;
  host: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish (cut after `stopGraceMs`, or at a second close), then ends `exchanges`. */
  close(): Promise<void>;
}

/** "HOST:PORT", "[::1]:PORT" or ":PORT": the rule agent.yaml's fields are checked by (proxy/address.ts). */
export function parseListen(value: string, what = '--listen'): { host: string; port: number } {
  const at = splitListen(value);
  if (!at) throw new InputError(`${what}: ${listenProblem(value)}`);
  return at;
}

export function parseUpstream(value: string, what = '--upstream'): URL {
  const problem = httpUrlProblem(value);
  if (problem) throw new InputError(`${what}: ${problem}`);
  return new URL(value);
}

/** A reverse proxy source: forwards to `upstream`, yields what passed through. */
export async function startRecordingProxy(opts: RecordingProxyOptions): Promise<RecordingProxy> {
  const up = parseUpstream(opts.upstream);
  const queue = new DropQueue<Exchange>(opts.queueCapacity ?? 10_000);
  // No connection cap: a cap would queue production requests behind each other.
  const upstream = upstreamOf(up);
  const counts = { requests: 0, upstreamErrors: 0, clientAborts: 0, requestTimeouts: 0, cutAtStop: 0 };
  const base = { upstream, maxBodyBytes: opts.maxBodyBytes ?? 1 << 20, capture: '', host: hostname(), closing: false, cutting: false };
  const { server, tunnels, drained } = proxyServer(base, opts.requestTimeoutMs ?? 300_000, (ex, outcome) => {
    counts.requests++;
    if (outcome === 'upstream-error') counts.upstreamErrors++;
    else if (outcome === 'client-abort') counts.clientAborts++;
    else if (outcome === 'request-timeout') counts.requestTimeouts++;
    else if (outcome === 'cut-at-stop') counts.cutAtStop++;
    queue.offer(ex);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: opts.host, port: opts.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    upstream.agent.destroy();
    throw new InputError(`cannot listen on ${opts.host}:${opts.port}: ${(err as Error).message}`);
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  base.capture = `proxy:${opts.host}:${port}`;
  let closing: Promise<void> | undefined;
  // Cuts what is still in flight: every client socket closes, and with it every exchange open on it.
  const cut = (): void => {
    base.cutting = true;
    server.closeAllConnections();
  };
  return {
    exchanges: queue,
    host: opts.host,
    port,
    stats: () => ({ ...counts, recorded: queue.accepted, dropped: queue.dropped, queued: queue.size }),
    // A second close while the first waits (a second signal) cuts at once instead of waiting out the grace.
    close: () =>
      closing ? (cut(), closing) : (closing = (async () => {
        base.closing = true;
        // Keep-alive connections that finish their request during shutdown become idle only later:
        // close them as they do, instead of waiting for the keep-alive timeout.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const closed = new Promise((resolve) => server.close(resolve));
        // Tunnels (CONNECT, WebSocket) have no end of their own: cut them.
        for (const t of tunnels) t.destroy();
        // A long poll or a stalled upstream must not hold the stop past what a supervisor waits.
        const grace = setTimeout(cut, opts.stopGraceMs ?? 10_000);
        await closed.finally(() => {
          clearInterval(sweep);
          clearTimeout(grace);
        });
        await drained();
        upstream.agent.destroy();
        queue.close();
      })()),
  };
}
