import { headerValueOf, type Exchange } from '../exchange.js';
import type { RunOptions, ScheduledRequest } from '../replay/types.js';
import { DEFAULT_SESSION_COOKIES, sessionCookie, sessionKeyFunction } from '../replay/staging/session-key.js';

const SESSION_COOKIES: ReadonlySet<string> = new Set(DEFAULT_SESSION_COOKIES);
const recordedSession = sessionKeyFunction();

/**
 * Which share of one schedule a worker sends. Every worker computes the whole schedule (times are a
 * pure function of the request's index, or of the recording) and keeps its own share, so the union of
 * all shares is the single-process schedule to the µs, with nothing sent twice or left out.
 *
 * - `stripe` (rate, ramp, Poisson): request i belongs to worker i mod count, k6's striped execution
 *   segments for equal shares: every worker's sends are spread evenly over the whole run, not one
 *   worker taking the first quarter of a ramp.
 * - `session` (a capture at recorded timing): a session's requests all go to one worker, in order
 *   (a login before the requests that use its cookie); which worker is a hash of the session key.
 */
export interface Segment {
  index: number;
  count: number;
  split: 'stripe' | 'session';
  /** With `session`: what a session is (default: the connection, else the cookie, else the client). */
  sessionBy?: SessionBy;
}

export type SessionBy = 'connection' | 'cookie' | 'client';

/** FNV-1a, 32 bits: stable across processes and machines (Math.random or object identity are not). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The session an exchange belongs to. `cookie` is the recorded session as the staging stage defines it
 * (replay/staging/session-key.ts: client address + session cookie), so a session whose cookies the
 * replay carries stays on one worker; `connection` (the default) keeps a connection's requests in order
 * on one worker and falls back to that session; `client` groups by client address.
 */
export function sessionKey(ex: Exchange | undefined, by: SessionBy | undefined, fallback: string): string {
  if (!ex) return fallback;
  const c = ex.connection;
  const session = (): string | undefined => (sessionCookie(ex.request.headers, SESSION_COOKIES) !== undefined ? recordedSession({ headers: ex.request.headers, recorded: ex }) : undefined);
  const client = (): string | undefined => c?.clientIp ?? headerValueOf(ex.request.headers, 'x-forwarded-for')?.split(',')[0]?.trim();
  const order = by === 'cookie' ? [session, client] : by === 'client' ? [client] : [() => (c ? `${c.clientIp}:${c.clientPort}` : undefined), session, client];
  for (const f of order) {
    const k = f();
    if (k) return k;
  }
  return fallback;
}

/** Does request `i` of the schedule (0-based, in schedule order) belong to `seg`? */
export function owns(seg: Segment, i: number, req: ScheduledRequest): boolean {
  if (seg.count <= 1) return true;
  if (seg.split === 'stripe') return i % seg.count === seg.index;
  return hash32(sessionKey(req.recorded, seg.sessionBy, req.id)) % seg.count === seg.index;
}

export function checkSegment(seg: Segment): Segment {
  if (!Number.isInteger(seg.count) || seg.count < 1 || !Number.isInteger(seg.index) || seg.index < 0 || seg.index >= seg.count) throw new RangeError(`segment ${seg.index}/${seg.count}: expected 0 ≤ index < count`);
  return seg;
}

/** What a worker's share was: how many requests and the last intended time (the offered span). */
export interface SegmentTally {
  requests: number;
  lastIntendedUs: number;
}

/** `schedule` reduced to the share of `seg`, keeping its shape (batches stay batches). */
export function segmentSchedule(schedule: RunOptions['schedule'], seg: Segment, tally: SegmentTally = { requests: 0, lastIntendedUs: 0 }): RunOptions['schedule'] {
  checkSegment(seg);
  let i = 0;
  const keep = (r: ScheduledRequest): boolean => {
    if (!owns(seg, i++, r)) return false;
    tally.requests++;
    tally.lastIntendedUs = r.intendedUs;
    return true;
  };
  if (Symbol.asyncIterator in schedule) {
    return (async function* () {
      for await (const item of schedule) {
        if (!Array.isArray(item)) {
          if (keep(item)) yield item;
          continue;
        }
        const mine = item.filter(keep);
        if (mine.length) yield mine;
      }
    })();
  }
  return (function* () {
    for (const r of schedule) if (keep(r)) yield r;
  })();
}
