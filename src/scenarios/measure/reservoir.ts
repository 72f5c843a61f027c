import { seededRandom } from '../../replay/schedule/times.js';

/**
 * A uniform random sample of at most `size` values (Algorithm R), seeded so that the same run gives
 * the same sample. Comparisons resample runs' latencies; a capped sample keeps that cheap for long runs.
 */
export class Reservoir {
  readonly values: number[] = [];
  private seen = 0;
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
}
