import type { Header } from '../../exchange.js';
import type { ScheduledRequest } from '../types.js';

/** Cookie names that identify a session when none are configured (matched in any case). */
export const DEFAULT_SESSION_COOKIES = ['sid', 'session', 'sessionid', 'session_id', 'connect.sid', 'jsessionid', 'phpsessid', 'asp.net_sessionid'];

export interface SessionKeyOptions {
  /** Cookie names that identify a session; default DEFAULT_SESSION_COOKIES. */
  cookies?: string[];
  /** A request header whose recorded value is the session key instead. */
  header?: string;
}

/**
 * The recorded session a request belongs to: its client address plus its recorded session cookie
 * (or the configured header). The one definition: the replay's cookie jars use it, and so does
 * splitting a replay over workers (one session stays on one worker).
 */
export function sessionKeyFunction(o: SessionKeyOptions = {}): (req: Pick<ScheduledRequest, 'headers' | 'recorded'>) => string {
  const names = new Set((o.cookies ?? DEFAULT_SESSION_COOKIES).map((n) => n.toLowerCase()));
  const header = o.header?.toLowerCase();
  return (req) => {
    const client = req.recorded?.connection?.clientIp ?? '';
    if (header) return `${client}|${req.headers.find((h) => h.name.toLowerCase() === header)?.value ?? ''}`;
    return `${client}|${sessionCookie(req.headers, names) ?? ''}`;
  };
}

/** The value of the first session cookie in a request's Cookie headers. */
export function sessionCookie(headers: readonly Header[], names: ReadonlySet<string>): string | undefined {
  for (const h of headers) {
    if (h.name.toLowerCase() !== 'cookie') continue;
    for (const c of h.value.split(';')) {
      const eq = c.indexOf('=');
      if (eq > 0 && names.has(c.slice(0, eq).trim().toLowerCase())) return c.slice(eq + 1).trim();
    }
  }
  return undefined;
}

/** The key a recorded response moves its session to: the session cookie value it set, if it set one. */
export function sessionSetBy(headers: readonly Header[], names: ReadonlySet<string>): string | undefined {
  for (const h of headers) {
    if (h.name.toLowerCase() !== 'set-cookie') continue;
    const first = h.value.split(';')[0]!;
    const eq = first.indexOf('=');
    if (eq > 0 && names.has(first.slice(0, eq).trim().toLowerCase())) return first.slice(eq + 1).trim();
  }
  return undefined;
}
