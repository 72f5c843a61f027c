import { isHeaderNamed } from '../../exchange.js';
import type { Head } from '../../http1/head.js';

/** Close this long before the server's announced keep-alive timeout, as undici does. */
const KEEP_ALIVE_MARGIN_MS = 1000;

/**
 * What one connection's responses say about keeping it open: `Connection: close`, HTTP/1.0 without
 * keep-alive, and the server's `Keep-Alive: timeout=N` (which shortens the idle time).
 */
export class Persistence {
  keepAliveMs: number;
  /** The last Keep-Alive header seen: servers repeat one value, so it is parsed once. */
  private keepAliveHint = '';
  /** The last Connection value seen, and whether it asked to close (false), to keep alive (true) or neither. */
  private connectionValue = '';
  private connectionSays: boolean | undefined;

  constructor(private readonly maxKeepAliveMs: number) {
    this.keepAliveMs = maxKeepAliveMs;
  }

  /** Whether the connection may carry another request after the response of `head`. */
  read(head: Head): boolean {
    let persistent = head.httpVersion === 'HTTP/1.1';
    for (const h of head.headers) {
      // Both names are 10 long; a server repeats their values, so each new value is read once.
      if (h.name.length !== 10) continue;
      if (isHeaderNamed(h.name, 'connection')) {
        if (h.value !== this.connectionValue) {
          this.connectionValue = h.value;
          const v = h.value.toLowerCase();
          this.connectionSays = v.includes('close') ? false : v.includes('keep-alive') ? true : undefined;
        }
        if (this.connectionSays !== undefined) persistent = this.connectionSays;
      } else if (isHeaderNamed(h.name, 'keep-alive') && h.value !== this.keepAliveHint) {
        this.keepAliveHint = h.value;
        const m = /timeout=(\d+)/i.exec(h.value);
        if (m) this.keepAliveMs = Math.min(this.maxKeepAliveMs, Math.max(Number(m[1]) * 1000 - KEEP_ALIVE_MARGIN_MS, 500));
      }
    }
    return persistent;
  }
}
