/**
 * Intended send times (µs from run start) for the i-th request of a fixed-rate, Poisson or ramping
 * schedule. Pure functions of i (and a seed), so a schedule is reproducible and never buffered.
 */

/** Even spacing: request i at i / rate. */
export function evenTimes(rate: number): (i: number) => number {
  const gap = 1e6 / rate;
  return (i) => i * gap;
}

/** mulberry32: a small, fast, seedable PRNG; reproducible Poisson schedules need a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Poisson arrivals: exponential gaps with mean 1/rate. Must be called with i = 0, 1, 2, … in order. */
export function poissonTimes(rate: number, seed = 1): (i: number) => number {
  const rnd = seededRandom(seed);
  let t = 0;
  return (i) => {
    if (i === 0) return (t = 0);
    t += (-Math.log(1 - rnd()) * 1e6) / rate;
    return t;
  };
}

/**
 * Linear ramp from `from` to `to` req/s over `durationUs`: the i-th request is where the cumulative
 * count N(t) = from·t + (to − from)·t²/(2D) reaches i; beyond D the rate stays at `to` (schedules end at
 * D: `rampSchedule`, and a capture's schedule under --ramp).
 */
export function rampTimes(from: number, to: number, durationUs: number): (i: number) => number {
  const D = durationUs / 1e6;
  const a = (to - from) / (2 * D);
  const atEnd = from * D + a * D * D;
  return (i) => {
    if (i > atEnd) return (D + (i - atEnd) / Math.max(to, 1e-9)) * 1e6;
    if (Math.abs(a) < 1e-12) return (i / Math.max(from, 1e-9)) * 1e6;
    const disc = from * from + 4 * a * i;
    return ((-from + Math.sqrt(Math.max(0, disc))) / (2 * a)) * 1e6;
  };
}
