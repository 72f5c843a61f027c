import { InputError } from '../errors.js';
import { parseDuration, parseWhole } from '../units/index.js';

/**
 * `redis://[user:pass@]host:port/STREAM[?option=value…]` (`rediss://` for TLS, as ElastiCache's
 * in-transit encryption needs). Options may come from the query or from CLI flags; a flag wins.
 * Errors name the part of the URL that is wrong, and never repeat the URL's password.
 */
export interface StreamUrl {
  tls: boolean;
  host: string;
  port: number;
  username?: string;
  password?: string;
  stream: string;
  options: StreamOptions;
  /** The URL without its password, for messages and summaries. */
  shown: string;
}

export interface StreamOptions {
  /** Publisher: the stream is trimmed to about this many entries (`XADD MAXLEN ~`). */
  maxlen?: number;
  /** Publisher: entries waiting to be sent at most; beyond, dropped and counted. */
  queue?: number;
  /** Consumer: the consumer group. */
  group?: string;
  /** Consumer: this consumer's name in the group. */
  consumer?: string;
  /** Consumer: a stream id, or a time (ISO 8601 or Unix ms) turned into one. */
  from?: string;
  /** Consumer without a group: stop after this id or time. */
  to?: string;
  /** Consumer: keep reading new entries instead of stopping at the stream's end as it was at start. */
  follow?: boolean;
  /** Consumer: pending entries idle this long (ms) are claimed from their (dead) consumer. */
  claimIdleMs?: number;
}

export const STREAM_URL = /^rediss?:\/\//i;
export const isStreamUrl = (s: string): boolean => STREAM_URL.test(s);

const OPTION_NAMES = ['maxlen', 'queue', 'group', 'consumer', 'from', 'to', 'follow', 'claim-idle'] as const;

export function parseStreamUrl(text: string): StreamUrl {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== 'redis' && scheme !== 'rediss') throw bad(text, 'scheme', `must be redis:// or rediss:// (TLS)`);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    // Say which part: WHATWG URL parsing only says "invalid".
    const authority = text.replace(/^[^:]+:\/\//, '').split(/[/?#]/)[0]!.replace(/^.*@/, '');
    const port = /:([^:\]]*)$/.exec(authority)?.[1];
    if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) throw bad(text, 'port', 'must be 1-65535');
    throw bad(text, 'host', 'is not valid (redis://[user:pass@]host:port/STREAM)');
  }
  const shown = shownUrl(u);
  if (!u.hostname) throw new InputError(`${shown}: host is missing (redis://[user:pass@]host:port/STREAM)`);
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`${shown}: port must be 1-65535`);
  const stream = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!stream) throw new InputError(`${shown}: stream name is missing: put it in the path (redis://host:port/STREAM)`);
  if (stream.includes('/')) throw new InputError(`${shown}: stream name "${stream}" must not contain "/"`);
  if (u.hash) throw new InputError(`${shown}: fragment (#…) is not allowed`);
  return {
    tls: scheme === 'rediss',
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    stream,
    options: optionsOf(u.searchParams, shown),
    shown,
  };
}

function optionsOf(q: URLSearchParams, shown: string): StreamOptions {
  const o: StreamOptions = {};
  for (const [name, value] of q) {
    const what = `${shown}: option ${name}`;
    const read = <T>(f: () => T): T => {
      try {
        return f();
      } catch (err) {
        throw new InputError(`${what}: ${(err as Error).message}`);
      }
    };
    switch (name as (typeof OPTION_NAMES)[number]) {
      case 'maxlen':
        o.maxlen = read(() => atLeastOne(parseWhole(value)));
        break;
      case 'queue':
        o.queue = read(() => atLeastOne(parseWhole(value)));
        break;
      case 'group':
      case 'consumer':
        if (!value) throw new InputError(`${what}: must not be empty`);
        o[name as 'group' | 'consumer'] = value;
        break;
      case 'from':
      case 'to':
        o[name as 'from' | 'to'] = read(() => streamIdOf(value));
        break;
      case 'follow':
        if (!['', '1', 'true', '0', 'false'].includes(value)) throw new InputError(`${what}: must be true or false`);
        o.follow = value === '' || value === '1' || value === 'true';
        break;
      case 'claim-idle':
        o.claimIdleMs = read(() => parseDuration(value, { bare: 'ms' }));
        break;
      default:
        throw new InputError(`${shown}: unknown option "${name}" (known: ${OPTION_NAMES.join(', ')})`);
    }
  }
  return o;
}

function atLeastOne(n: number): number {
  if (n < 1) throw new Error('must be at least 1');
  return n;
}

/** A stream id (`1733333333000-0`, `1733333333000`, `-`, `+`, `$`) as is; a time (ISO 8601) as the id of its millisecond. */
export function streamIdOf(value: string): string {
  if (/^\d+(-\d+)?$/.test(value) || value === '-' || value === '+' || value === '$') return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`"${value}" is neither a stream id (1733333333000-0) nor a time (2026-12-04T19:00:00Z)`);
  return `${ms}-0`;
}

/** The URL as it may be printed: the password replaced, the query kept. */
function shownUrl(u: URL): string {
  const auth = u.username || u.password ? `${u.username}${u.password ? ':***' : ''}@` : '';
  return `${u.protocol}//${auth}${u.host}${u.pathname}${u.search}`;
}

/** A URL that failed to parse: only the scheme and what is after the userinfo are shown. */
function bad(text: string, part: string, message: string): InputError {
  const at = text.lastIndexOf('@');
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? '';
  const shown = at >= 0 ? `${scheme}***@${text.slice(at + 1)}` : text;
  return new InputError(`${shown}: ${part} ${message}`);
}
