import { seededRandom } from '../replay/schedule/times.js';
import { RESAMPLES } from './bootstrap.js';

/** Responses of one run. */
export interface Counts {
  ok: number;
  failed: number;
}

function gaussian(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

/**
 * A run's failures drawn again (normal approximation of its binomial): with few failures the count
 * itself is noise, which resampling whole runs alone would not see — three runs with one error each
 * would otherwise make "B fails more" certain, and one run a side would have no interval at all.
 */
function redrawn(c: Counts, rnd: () => number): number {
  const n = c.ok + c.failed;
  if (n === 0) return 0;
  const p = c.failed / n;
  return Math.min(n, Math.max(0, Math.round(c.failed + Math.sqrt(n * p * (1 - p)) * gaussian(rnd))));
}

export interface RateDifference {
  a: number;
  b: number;
  low: number;
  high: number;
}

const rateOf = (cs: readonly Counts[]): number => {
  const failed = cs.reduce((s, c) => s + c.failed, 0);
  const all = cs.reduce((s, c) => s + c.ok + c.failed, 0);
  return all ? failed / all : NaN;
};

/**
 * Error rate of B − A with a two-stage bootstrap: runs i of A and B resampled as pairs (as the
 * latency comparison pairs its runs), then each picked run's failures drawn again. null when a
 * side answered nothing at all: there is no rate to compare.
 */
export function errorRateDifference(a: readonly Counts[], b: readonly Counts[], level: number, seed = 1): RateDifference | null {
  const ra = rateOf(a);
  const rb = rateOf(b);
  if (Number.isNaN(ra) || Number.isNaN(rb)) return null;
  const n = Math.min(a.length, b.length);
  const rnd = seededRandom(seed);
  const diffs: number[] = [];
  for (let k = 0; k < RESAMPLES; k++) {
    let fa = 0, na = 0, fb = 0, nb = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rnd() * n);
      fa += redrawn(a[j]!, rnd);
      na += a[j]!.ok + a[j]!.failed;
      fb += redrawn(b[j]!, rnd);
      nb += b[j]!.ok + b[j]!.failed;
    }
    // A resample of only empty runs says nothing about that side's rate.
    if (na > 0 && nb > 0) diffs.push(fb / nb - fa / na);
  }
  diffs.sort((x, y) => x - y);
  const tail = (1 - level) / 2;
  const at = (q: number): number => diffs[Math.min(diffs.length - 1, Math.max(0, Math.round((diffs.length - 1) * q)))] ?? rb - ra;
  return { a: ra, b: rb, low: at(tail), high: at(1 - tail) };
}
