import { performance } from 'node:perf_hooks';
import type { Exchange } from '../exchange.js';
import type { Stage } from './stage.js';

/**
 * At most `perSecond` exchanges a second on average, by a token bucket one second deep (at least 1):
 * bursts up to the rate pass, the rest are dropped and counted as `rateLimited`. It never waits, so it
 * cannot slow the source (the agent's mirror must not reach back into capture).
 */
export function rateCap(perSecond: number, now: () => number = () => performance.now()): Stage {
  const depth = Math.max(perSecond, 1);
  let tokens = perSecond;
  let last = now();
  let rateLimited = 0;
  return {
    name: 'rate-cap',
    apply(batch: Exchange[]): Exchange[] {
      const t = now();
      tokens = Math.min(depth, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      const n = Math.min(batch.length, Math.floor(tokens));
      tokens -= n;
      rateLimited += batch.length - n;
      return n === batch.length ? batch : batch.slice(0, n);
    },
    stats: () => ({ rateLimited }),
  };
}
