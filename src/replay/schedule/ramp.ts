import type { ScheduledRequest } from '../types.js';
import { rampTimes } from './times.js';
import { timedSchedule, type MakeRequest } from './rate.js';

/** A rate rising (or falling) linearly from `from` to `to` req/s over `durationMs`. */
export function rampSchedule(o: { from: number; to: number; durationMs: number; maxRequests?: number; make: MakeRequest }): Iterable<ScheduledRequest> {
  if (o.from < 0 || o.to < 0 || o.from + o.to <= 0) throw new RangeError(`ramp rates must be ≥ 0 and not both 0 (got ${o.from}:${o.to})`);
  return timedSchedule(rampTimes(o.from, o.to, o.durationMs * 1000), o.durationMs, o.make, o.maxRequests);
}
