import type { ScheduledRequest } from '../types.js';
import { evenTimes, poissonTimes } from './times.js';

export type MakeRequest = (i: number) => Omit<ScheduledRequest, 'intendedUs'>;

/** Requests at `times(i)` until `durationMs` (and at most `maxRequests`). */
export function* timedSchedule(times: (i: number) => number, durationMs: number, make: MakeRequest, maxRequests = Infinity): Generator<ScheduledRequest> {
  const endUs = durationMs * 1000;
  for (let i = 0; i < maxRequests; i++) {
    const intendedUs = times(i);
    if (intendedUs >= endUs) return;
    yield { ...make(i), intendedUs };
  }
}

/** A fixed rate (evenly spaced, or Poisson with `poisson`) for `durationMs`. */
export function rateSchedule(o: { rate: number; durationMs: number; poisson?: boolean; seed?: number; maxRequests?: number; make: MakeRequest }): Iterable<ScheduledRequest> {
  if (!(o.rate > 0)) throw new RangeError(`rate must be > 0 (got ${o.rate})`);
  return timedSchedule(o.poisson ? poissonTimes(o.rate, o.seed) : evenTimes(o.rate), o.durationMs, o.make, o.maxRequests);
}
