/**
 * Absolute microseconds since the epoch from the monotonic clock: Date.now() alone has millisecond
 * resolution and can step; one anchor taken at start keeps differences exact.
 */
const anchorHr = process.hrtime.bigint();
const anchorUs = BigInt(Date.now()) * 1000n;

export function nowUs(): number {
  return Number(anchorUs + (process.hrtime.bigint() - anchorHr) / 1000n);
}
