import type { Exchange } from '../exchange.js';

/**
 * Several captures (one per host, say) as one stream in request-start order: a k-way merge that
 * holds one exchange per capture, so memory does not grow with capture size.
 */
export function mergeByTime(sources: AsyncIterable<Exchange>[]): AsyncIterable<Exchange> {
  return sources.length === 1 ? sources[0]! : merge(sources);
}

async function* merge(sources: AsyncIterable<Exchange>[]): AsyncGenerator<Exchange> {
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  const heads = await Promise.all(its.map((it) => it.next()));
  while (true) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (h.done) continue;
      if (best < 0 || h.value.timing.requestStartUs < (heads[best]!.value as Exchange).timing.requestStartUs) best = i;
    }
    if (best < 0) return;
    yield heads[best]!.value as Exchange;
    heads[best] = await its[best]!.next();
  }
}
