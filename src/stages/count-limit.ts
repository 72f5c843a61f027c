import type { Exchange } from '../exchange.js';
import type { Stage } from './stage.js';

/** `--max-exchanges N`: passes the first N, then is `done` (the pump stops the source). */
export function countLimit(max: number): Stage {
  let passed = 0;
  return {
    name: 'count-limit',
    get done() {
      return passed >= max;
    },
    apply(batch: Exchange[]): Exchange[] {
      const room = max - passed;
      const out = batch.length <= room ? batch : batch.slice(0, Math.max(0, room));
      passed += out.length;
      return out;
    },
    stats: () => ({ passed }),
  };
}
