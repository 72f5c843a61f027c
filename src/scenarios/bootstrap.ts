import { seededRandom } from '../replay/schedule/times.js';

export const RESAMPLES = 2000;

export const PERCENTILE_OF = { p50: 0.5, p95: 0.95, p99: 0.99 } as const;
export type ComparedMetric = keyof typeof PERCENTILE_OF;

/** Linear-interpolated quantile of an ascending array. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function pooled(runs: readonly number[][], pick: readonly number[]): Float64Array {
  let n = 0;
  for (const i of pick) n += runs[i]!.length;
  const out = new Float64Array(n);
  let k = 0;
  for (const i of pick) for (const v of runs[i]!) out[k++] = v;
  return out.sort();
}

/** Ascending as Float64Array.prototype.sort orders numbers: -0 before +0, NaN last. */
function ascending(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return Object.is(x, y) ? 0 : Object.is(x, -0) ? -1 : 1;
  return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
}

/** Every sample of runs 0..n-1 in ascending order, with its run. */
interface Ordered {
  values: Float64Array;
  runOf: Uint32Array;
  lengths: number[];
}

function ordered(runs: readonly number[][], n: number): Ordered {
  const lengths = runs.slice(0, n).map((r) => r.length);
  const flat = new Float64Array(lengths.reduce((x, y) => x + y, 0));
  const owner = new Uint32Array(flat.length);
  let k = 0;
  for (let r = 0; r < n; r++) {
    for (const v of runs[r]!) {
      owner[k] = r;
      flat[k++] = v;
    }
  }
  const order = Uint32Array.from(flat, (_, i) => i).sort((i, j) => ascending(flat[i]!, flat[j]!));
  return { values: Float64Array.from(order, (i) => flat[i]!), runOf: Uint32Array.from(order, (i) => owner[i]!), lengths };
}

/**
 * quantile(pooled(runs, pick), q) for each q, read off the side's one ascending order instead of sorting
 * each resample: the pooled resample, sorted, is that order with each sample repeated as often as its
 * run was picked (`times`). One pass up to the highest position wanted.
 */
function pooledQuantiles(o: Ordered, times: Uint32Array, qs: readonly number[]): number[] {
  let n = 0;
  for (let r = 0; r < o.lengths.length; r++) n += times[r]! * o.lengths[r]!;
  if (n === 0) return qs.map(() => NaN);
  const wanted = qs.flatMap((q) => [Math.floor((n - 1) * q), Math.ceil((n - 1) * q)]);
  const byPosition = wanted.map((_, i) => i).sort((x, y) => wanted[x]! - wanted[y]!);
  const at = new Array<number>(wanted.length);
  let k = 0;
  let seen = 0;
  for (let e = 0; e < o.values.length && k < byPosition.length; e++) {
    seen += times[o.runOf[e]!]!;
    while (k < byPosition.length && wanted[byPosition[k]!]! < seen) at[byPosition[k++]!] = o.values[e]!;
  }
  return qs.map((q, m) => {
    const pos = (n - 1) * q;
    return at[2 * m]! + (at[2 * m + 1]! - at[2 * m]!) * (pos - Math.floor(pos));
  });
}

/**
 * Cluster (run-level) percentile bootstrap for pXX(B) − pXX(A), the percentiles taken over each
 * side's latencies pooled across its runs (as merged histograms would give). Runs i of A and B ran
 * next to each other (A,B,A,B…) and are resampled as pairs, so slow drift of the machine cancels
 * while run-to-run noise widens the interval as it should. Seeded: the same runs give the same interval.
 */
export function bootstrapDifference(a: readonly number[][], b: readonly number[][], qs: readonly number[], level: number, seed = 1): { low: number; high: number }[] {
  const n = Math.min(a.length, b.length);
  const rnd = seededRandom(seed);
  const diffs = qs.map(() => [] as number[]);
  const [oa, ob] = [ordered(a, n), ordered(b, n)];
  const times = new Uint32Array(n);
  for (let k = 0; k < RESAMPLES && n > 0; k++) {
    times.fill(0);
    for (let i = 0; i < n; i++) times[Math.floor(rnd() * n)]!++;
    const qa = pooledQuantiles(oa, times, qs);
    const qb = pooledQuantiles(ob, times, qs);
    qs.forEach((_, m) => diffs[m]!.push(qb[m]! - qa[m]!));
  }
  const tail = (1 - level) / 2;
  return diffs.map((d) => {
    d.sort((x, y) => x - y);
    return d.length ? { low: quantile(d, tail), high: quantile(d, 1 - tail) } : { low: 0, high: 0 };
  });
}
