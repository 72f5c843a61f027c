import { describe, expect, it } from 'vitest';
import { captureSchedule } from '../../src/replay/schedule/capture.js';
import type { ScheduledRequest } from '../../src/replay/types.js';
import { recorded } from '../helpers/replay-fixtures.js';

// --ramp FROM:TO:DURATION ends with its DURATION, as a scenario's ramp phase does (rampSchedule).

const five = [0, 1, 2, 3, 4].map((i) => recorded(i, i * 20));
// A bound the old schedule would reach instead of never ending (a ramp up held its rate for ever).
const SAFETY = 50_000;

async function times(ramp: { from: number; to: number; durationMs: number }, loop: number): Promise<number[]> {
  const out: number[] = [];
  for await (const r of captureSchedule(() => five, { ramp, loop, maxRequests: SAFETY }) as AsyncIterable<ScheduledRequest>) out.push(r.intendedUs);
  return out;
}

describe('a capture replayed on a ramp', () => {
  it('down to 0: the requests the ramp holds (10→0 over 1 s: 5), none scheduled after it', async () => {
    const t = await times({ from: 10, to: 0, durationMs: 1000 }, 3);
    expect(t).toHaveLength(5);
    expect(Math.max(...t)).toBeLessThan(1e6);
  });

  it('up, looped for ever: ends with the ramp (10→200 over 2 s: 210 requests)', async () => {
    const t = await times({ from: 10, to: 200, durationMs: 2000 }, Infinity);
    expect(t.length).toBeGreaterThanOrEqual(209);
    expect(t.length).toBeLessThanOrEqual(210);
    expect(Math.max(...t)).toBeLessThan(2e6);
  });

  it('--duration shorter than the ramp still ends it first', async () => {
    const t: number[] = [];
    for await (const r of captureSchedule(() => five, { ramp: { from: 100, to: 100, durationMs: 2000 }, loop: Infinity, durationMs: 500 })) t.push(r.intendedUs);
    expect(t).toHaveLength(50);
  });
});
