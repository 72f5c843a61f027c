import type { Connection, Exchange, Header } from '../../exchange.js';
import { ALB_FIELDS, ALB_REQUIRED, splitAlbLine } from './fields.js';

export class AlbLineError extends Error {}

/** "2024-03-01T10:00:00.123456Z" → µs since the epoch (Date.parse stops at milliseconds). */
export function albTimeUs(value: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(value);
  if (!m) return undefined;
  const s = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(s)) return undefined;
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return s * 1000 + Number(frac);
}

/** Seconds as logged ("0.001", "-1" when the load balancer could not tell) → µs or undefined. */
function secondsUs(value: string | undefined): number | undefined {
  if (value === undefined || value === '-' || value === '-1') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1e6) : undefined;
}

/** "10.0.0.1:443", "[2001:db8::1]:443" or "2001:db8::1:443" (ALB writes IPv6 without brackets). */
function endpoint(value: string | undefined): { ip: string; port: number } | undefined {
  if (!value || value === '-') return undefined;
  const cut = value.lastIndexOf(':');
  if (cut <= 0) return undefined;
  const port = Number(value.slice(cut + 1));
  if (!Number.isInteger(port)) return undefined;
  return { ip: value.slice(0, cut).replace(/^\[|\]$/g, ''), port };
}

export type AlbLineResult = { exchange: Exchange } | { skipped: string };

/**
 * One log line → an exchange: method, target (path+query as logged), Host from the URL, User-Agent,
 * the load balancer's status, and timing rebuilt from request_creation_time and the three processing
 * times. ALB logs carry no headers beyond these and no bodies.
 */
export function albLineToExchange(line: string, id: string, capture: string): AlbLineResult {
  const f = splitAlbLine(line);
  if (!f) throw new AlbLineError('unterminated quoted field');
  if (f.length < ALB_REQUIRED) throw new AlbLineError(`${f.length} fields, expected at least ${ALB_REQUIRED} (${ALB_FIELDS.slice(0, ALB_REQUIRED).join(' ')})`);
  const get = (name: (typeof ALB_FIELDS)[number]): string | undefined => f[ALB_FIELDS.indexOf(name)];
  const endUs = albTimeUs(get('time')!);
  if (endUs === undefined) throw new AlbLineError(`time: not an ISO 8601 UTC time: ${JSON.stringify(get('time'))}`);
  const request = get('request')!.split(' ');
  if (request.length !== 3) throw new AlbLineError(`request: expected "METHOD URL VERSION", got ${JSON.stringify(get('request'))}`);
  const [method, url, version] = request as [string, string, string];
  // A request the load balancer could not parse is logged as "- - -" (or with the URL only).
  if (method === '-' || !/^[A-Za-z]+$/.test(method)) return { skipped: 'request not parsed by the load balancer' };
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!m) throw new AlbLineError(`request: URL is not absolute: ${JSON.stringify(url)}`);
  const scheme = m[1]!.toLowerCase();
  const authority = m[2]!.replace(scheme === 'https' || scheme === 'wss' ? /:443$/ : /:80$/, '');
  const target = m[3] || '/';
  const statusText = get('elb_status_code')!;
  const status = statusText === '-' ? undefined : Number(statusText);
  if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 999)) throw new AlbLineError(`elb_status_code: not a status: ${JSON.stringify(statusText)}`);

  const reqProc = secondsUs(get('request_processing_time'));
  const tgtProc = secondsUs(get('target_processing_time'));
  const resProc = secondsUs(get('response_processing_time'));
  const created = albTimeUs(get('request_creation_time') ?? '-');
  const startUs = created ?? endUs - (reqProc ?? 0) - (tgtProc ?? 0) - (resProc ?? 0);
  const requestEndUs = startUs + (reqProc ?? 0);
  const headers: Header[] = [{ name: 'Host', value: authority }];
  const ua = get('user_agent');
  if (ua && ua !== '-') headers.push({ name: 'User-Agent', value: ua });
  const ex: Exchange = {
    id,
    timing: { requestStartUs: startUs, requestEndUs },
    request: { method, target, httpVersion: version === '-' ? 'HTTP/1.1' : version, headers, ...(scheme !== 'http' ? { scheme } : {}) },
    source: { capture, kind: 'alb-log' },
  };
  if (status !== undefined) {
    ex.response = { status, reason: '', httpVersion: version === '-' ? 'HTTP/1.1' : version, headers: [] };
    ex.timing.responseStartUs = tgtProc !== undefined ? requestEndUs + tgtProc : Math.max(requestEndUs, endUs - (resProc ?? 0));
    ex.timing.responseEndUs = Math.max(ex.timing.responseStartUs, endUs);
  } else ex.flags = ['no-response'];
  const client = endpoint(get('client'));
  const server = endpoint(get('target'));
  if (client) {
    const c: Connection = { clientIp: client.ip, clientPort: client.port, serverIp: server?.ip ?? '', serverPort: server?.port ?? 0 };
    ex.connection = c;
  }
  return { exchange: ex };
}
