import type { Exchange } from '../exchange.js';
import type { Stage } from './stage.js';

/**
 * Keeps about `percent` % of exchanges, each decided on its own by `random` (default Math.random; pass a
 * seeded one for runs that repeat). The rest are counted as `sampledOut`.
 */
export function sampleStage(percent: number, random: () => number = Math.random): Stage {
  let sampledOut = 0;
  return {
    name: 'sample',
    apply(batch: Exchange[]): Exchange[] {
      if (percent >= 100) return batch;
      const out = batch.filter(() => random() * 100 < percent);
      sampledOut += batch.length - out.length;
      return out;
    },
    stats: () => ({ sampledOut }),
  };
}
