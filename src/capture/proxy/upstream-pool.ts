import type { ClientRequest, IncomingMessage } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** How long an idle upstream connection is kept, unless the upstream's `Keep-Alive: timeout=N` says less. */
const IDLE_MS = 30_000;
const MAX_IDLE = 1024;
const kIdle = Symbol('shadowtap.idle');
type Pooled = Socket & { [kIdle]?: boolean; _httpMessage?: (ClientRequest & { res?: IncomingMessage }) | null };

/**
 * Keep-alive connections to one upstream, handed to Node's ClientRequest in place of an http.Agent
 * (it only calls `addRequest`). The Agent did per request what this does once per connection: it named
 * the request's pool, moved the socket between maps, and added and removed listeners and timers. Here
 * a connection gets its listeners when opened; a request takes the most recently freed one (LIFO: the
 * least likely to have been closed by the upstream's idle timeout) or opens one. No connection cap:
 * a cap would queue production requests behind each other.
 */
export class UpstreamPool {
  readonly protocol: string;
  readonly defaultPort: number;
  // Read by ClientRequest to decide on Connection: keep-alive (the head is replaced anyway).
  readonly keepAlive = true;
  readonly maxSockets = Infinity;
  private readonly idle: Pooled[] = [];
  private readonly all = new Set<Pooled>();

  constructor(private readonly url: URL) {
    this.protocol = url.protocol;
    this.defaultPort = url.protocol === 'https:' ? 443 : 80;
  }

  addRequest(req: ClientRequest): void {
    let s = this.idle.pop();
    while (s && s.destroyed) s = this.idle.pop();
    if (s) {
      s[kIdle] = false;
      s.ref();
      // forward.ts retries a bodiless request once when a reused connection turns out closed.
      (req as ClientRequest & { reusedSocket: boolean }).reusedSocket = true;
      req.onSocket(s);
    } else req.onSocket(this.open());
  }

  /** Closes every connection, idle or busy (the proxy is stopping). */
  destroy(): void {
    for (const s of this.all) s.destroy();
    this.idle.length = 0;
  }

  private open(): Pooled {
    const { hostname, port: p } = this.url;
    const port = Number(p) || this.defaultPort;
    const s: Pooled =
      this.protocol === 'https:' ? tlsConnect({ host: hostname, port, ...(isIP(hostname) ? {} : { servername: hostname }) }) : netConnect({ host: hostname, port });
    s.setNoDelay(true);
    s.setKeepAlive(true, 1000);
    s.setTimeout(IDLE_MS);
    this.all.add(s);
    // ClientRequest emits 'free' once the response ended on a connection that stays open.
    s.on('free', () => this.free(s));
    // A busy connection's errors and timeouts are its request's (ClientRequest listens then); an idle one is dropped.
    s.on('error', () => s[kIdle] && s.destroy());
    s.on('timeout', () => s[kIdle] && s.destroy());
    s.on('close', () => {
      this.all.delete(s);
      const i = s[kIdle] ? this.idle.indexOf(s) : -1;
      if (i >= 0) this.idle.splice(i, 1);
      s[kIdle] = false;
    });
    return s;
  }

  private free(s: Pooled): void {
    const res = s._httpMessage?.res;
    s._httpMessage = null;
    const hint = res ? keepAliveHintMs(res.rawHeaders) : undefined;
    if (!s.writable || hint === 0 || this.idle.length >= MAX_IDLE) {
      s.destroy();
      return;
    }
    const timeout = hint !== undefined && hint < IDLE_MS ? hint : IDLE_MS;
    if (s.timeout !== timeout) s.setTimeout(timeout);
    s.unref();
    s[kIdle] = true;
    this.idle.push(s);
  }
}

/** The upstream's `Keep-Alive: timeout=N` less a second (as http.Agent reads it), so a connection it is closing is not reused. */
function keepAliveHintMs(raw: readonly string[]): number | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.length !== 10 || raw[i]!.toLowerCase() !== 'keep-alive') continue;
    const n = /^timeout=(\d+)/.exec(raw[i + 1]!)?.[1];
    if (n !== undefined) return Math.max(0, Number(n) * 1000 - 1000);
  }
  return undefined;
}
