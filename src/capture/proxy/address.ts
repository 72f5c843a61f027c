/**
 * What the recording proxy can listen on and forward to, as one rule: a configuration file checks its
 * fields with it (so `agent --check` refuses what the agent would refuse at start), and the proxy's
 * own flags are read by it. Each returns why a value is wrong, for the caller to put beside its name.
 */

const LISTEN = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/;

/** "HOST:PORT", "[::1]:PORT" or ":PORT" (127.0.0.1); port 0 is any free port. */
export function splitListen(value: string): { host: string; port: number } | undefined {
  const m = LISTEN.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65_535) return undefined;
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export function listenProblem(value: string): string | undefined {
  if (splitListen(value)) return undefined;
  const m = LISTEN.exec(value);
  return m ? `port ${m[3]} is out of range: expected HOST:PORT with a port from 0 to 65535, got ${JSON.stringify(value)}` : `expected HOST:PORT, got ${JSON.stringify(value)}`;
}

/** A URL as it may be printed: a password in it never reaches a log or a terminal. */
export function shownUrl(url: URL): string {
  if (!url.password) return url.href;
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href;
}

/** The proxy speaks HTTP/1 to its upstream, in the clear or over TLS: any other scheme cannot work. */
export function httpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `not a URL: ${JSON.stringify(value)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `expected an http:// or https:// URL, got ${shownUrl(url)}`;
  return undefined;
}
