import { performance } from 'node:perf_hooks';

/**
 * Absolute microseconds since the epoch from the monotonic clock: Date.now() alone has millisecond
 * resolution and can step; one anchor taken at start keeps differences exact. performance.now()
 * rather than hrtime.bigint(): a few calls per proxied request, and BigInts are heap objects.
 */
const anchorMs = performance.now();
const anchorUs = Date.now() * 1000;

export function nowUs(): number {
  return anchorUs + Math.floor((performance.now() - anchorMs) * 1000);
}
