import type { Exchange } from '../../exchange.js';
import { bodyBytes } from '../../body.js';
import type { ScheduledRequest } from '../types.js';
import { evenTimes, poissonTimes, rampTimes } from './times.js';
import { routeTemplate } from '../route-template.js';

export interface CaptureScheduleOptions {
  /** Recorded inter-arrival times divided by this; 0 = no timing (send as fast as targets allow). Default 1. */
  speed?: number;
  /** Fixed rate instead of recorded timing (evenly spaced, or Poisson with `poisson`). */
  rate?: number;
  poisson?: boolean;
  seed?: number;
  /** Ramping rate instead of recorded timing; the schedule ends when the ramp does. */
  ramp?: { from: number; to: number; durationMs: number };
  /** Play the capture this many times (Infinity = forever), timing continuing across loops. Default 1. */
  loop?: number;
  durationMs?: number;
  maxRequests?: number;
  /** Exchanges failing this are not replayed (filters, sampling). */
  filter?: (ex: Exchange) => boolean;
  /** Last change to each request before it is scheduled (rewrites). Return undefined to drop it. */
  transform?: (req: ScheduledRequest) => ScheduledRequest | undefined;
  /**
   * Counts every exchange the schedule takes in, once per loop as the filter sees them: the one count of
   * what was read whatever the input's format (its readers count lines, entries or records, or nothing).
   */
  counts?: { exchanges: number };
}

const KEEP_MAX_EXCHANGES = 10_000;
const KEEP_MAX_BYTES = 16 << 20;

/** Where each request's intended time comes from: the recording, or a rate function of its index. */
function timer(o: CaptureScheduleOptions): ((i: number) => number) | undefined {
  if (o.rate) return o.poisson ? poissonTimes(o.rate, o.seed) : evenTimes(o.rate);
  if (o.ramp) return rampTimes(o.ramp.from, o.ramp.to, o.ramp.durationMs * 1000);
  return undefined;
}

/** A stream of exchanges, one at a time or in batches (a batch saves a promise per exchange). */
export type ExchangeSource = AsyncIterable<Exchange | Exchange[]> | Iterable<Exchange | Exchange[]>;

/**
 * Streams a capture as a schedule. With recorded timing, request i is sent at its recorded offset
 * from the first request divided by `speed`; loop k starts one mean gap after loop k−1 ended, so a
 * looped capture keeps its rate. Exchanges are read as they come: a capture is never held whole.
 * Loops need a way to read the capture again, so pass a function for `loop` > 1.
 */
export async function* captureSchedule(exchanges: ExchangeSource | (() => ExchangeSource), o: CaptureScheduleOptions = {}): AsyncGenerator<ScheduledRequest> {
  for await (const batch of captureScheduleBatches(exchanges, o)) yield* batch;
}

/** `captureSchedule` a batch at a time, as the source gives them (what the replay engine takes). */
export async function* captureScheduleBatches(exchanges: ExchangeSource | (() => ExchangeSource), o: CaptureScheduleOptions = {}): AsyncGenerator<ScheduledRequest[]> {
  const open = typeof exchanges === 'function' ? exchanges : once(exchanges);
  const loops = o.loop ?? 1;
  const speed = o.speed ?? 1;
  const byIndex = timer(o);
  // A ramp ends with its DURATION, as a scenario's ramp phase does: held at TO after it, a ramp down to 0
  // waited years for its next request, and one up ran until interrupted.
  const endUs = Math.min(o.durationMs ?? Infinity, (!o.rate && o.ramp?.durationMs) || Infinity) * 1000;
  const max = o.maxRequests ?? Infinity;
  let n = 0;
  let loopOffsetUs = 0;
  let prevUs = 0;
  // A small capture played many times is kept from its first pass instead of re-read each loop.
  let kept: Exchange[] | undefined = loops > 1 ? [] : undefined;
  let keptBytes = 0;
  for (let loop = 0; loop < loops; loop++) {
    let firstUs: number | undefined;
    let lastUs = 0;
    let count = 0;
    let ended = false;
    /** One exchange → its request (or undefined); sets `ended` once the duration or count is reached. */
    const schedule = (ex: Exchange): ScheduledRequest | undefined => {
      if (loop === 0 && kept) {
        keptBytes += 512 + (ex.request.body?.size ?? 0) + (ex.response?.body?.size ?? 0);
        if (kept.length < KEEP_MAX_EXCHANGES && keptBytes < KEEP_MAX_BYTES) kept.push(ex);
        else kept = undefined;
      }
      if (o.counts) o.counts.exchanges++;
      if (o.filter && !o.filter(ex)) return undefined;
      const rec = ex.timing.requestStartUs;
      firstUs ??= rec;
      lastUs = Math.max(lastUs, rec);
      count++;
      let intendedUs = byIndex ? byIndex(n) : speed > 0 ? loopOffsetUs + (rec - firstUs) / speed : 0;
      // Captures from several connections can be slightly out of order; never schedule backwards.
      intendedUs = Math.max(intendedUs, prevUs);
      if (intendedUs >= endUs || n >= max) {
        ended = true;
        return undefined;
      }
      let req: ScheduledRequest | undefined = toRequest(ex, loops > 1 ? `${ex.id}#${loop}` : ex.id, intendedUs);
      if (o.transform) req = o.transform(req);
      if (!req) return undefined;
      prevUs = intendedUs;
      n++;
      return req;
    };
    const source = loop > 0 && kept ? [kept] : open();
    for await (const item of source) {
      const batch: ScheduledRequest[] = [];
      if (Array.isArray(item)) {
        for (let i = 0; i < item.length && !ended; i++) {
          const req = schedule(item[i]!);
          if (req) batch.push(req);
        }
      } else {
        const req = schedule(item);
        if (req) batch.push(req);
      }
      if (batch.length) yield batch;
      if (ended) return;
    }
    if (count === 0) return;
    const spanUs = (lastUs - (firstUs ?? lastUs)) / (speed > 0 ? speed : 1);
    // A capture with no time span (one exchange, or all at one instant) still moves forward 1 ms per loop,
    // so `--loop forever` with recorded timing is a steady stream, not an endless burst at t = 0.
    loopOffsetUs += Math.max(spanUs + (count > 1 ? spanUs / (count - 1) : 0), 1000);
  }
}

export function toRequest(ex: Exchange, id: string, intendedUs: number): ScheduledRequest {
  const req: ScheduledRequest = { intendedUs, id, method: ex.request.method, target: ex.request.target, headers: ex.request.headers, endpoint: routeTemplate(ex.request.target, ex.request.method), recorded: ex };
  // Assigned, not spread in: an object spread per request was a visible share of reading a capture at --speed 0.
  if (ex.request.body) {
    const body = bodyBytes(ex.request.body);
    if (body.length) req.body = body;
  }
  return req;
}

function once(it: ExchangeSource): () => ExchangeSource {
  let used = false;
  return () => {
    if (used) throw new RangeError('captureSchedule: looping needs a function that reopens the capture');
    used = true;
    return it;
  };
}
