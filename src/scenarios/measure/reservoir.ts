import { seededRandom } from '../../replay/schedule/times.js';

/**
 * A uniform random sample of at most `size` values (Algorithm R), seeded so that the same run gives
 * the same sample. Comparisons resample runs' latencies; a capped sample keeps that cheap for long runs.
 */
export class Reservoir {
  readonly values: number[] = [];
  /** Values offered so far (the sample holds at most `size` of them). */
  seen = 0;
  private readonly rnd: () => number;

  constructor(
    private readonly size = 1000,
    seed = 7,
  ) {
    this.rnd = seededRandom(seed);
  }

  add(v: number): void {
    this.seen++;
    if (this.values.length < this.size) this.values.push(v);
    else {
      const j = Math.floor(this.rnd() * this.seen);
      if (j < this.size) this.values[j] = v;
    }
  }

  /**
   * Another sample of `seen` values (a worker's): the union stays a uniform sample of everything seen,
   * each side contributing in proportion to what it saw.
   */
  absorb(values: readonly number[], seen: number): void {
    if (!seen) return;
    const all = this.seen + seen;
    if (this.values.length + values.length <= this.size) this.values.push(...values);
    else {
      const keepMine = Math.round((this.size * this.seen) / all);
      const pick = (from: readonly number[], n: number): number[] => {
        const a = [...from];
        for (let i = 0; i < n && i < a.length; i++) {
          const j = i + Math.floor(this.rnd() * (a.length - i));
          [a[i], a[j]] = [a[j]!, a[i]!];
        }
        return a.slice(0, n);
      };
      const mine = pick(this.values, Math.min(keepMine, this.values.length));
      const theirs = pick(values, Math.min(this.size - mine.length, values.length));
      this.values.splice(0, this.values.length, ...mine, ...theirs);
    }
    this.seen = all;
  }
}
