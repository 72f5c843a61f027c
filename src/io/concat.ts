import type { Exchange } from '../exchange.js';
import type { Source } from './source.js';

/**
 * Several inputs read one after the other as one source (`cat a.pcap b.pcap`, a directory of rotated
 * files): each opens when the one before it has ended, so at most one is open, and its batches pass
 * through unchanged. Its origin lists each input's; its stats are each input's, in order.
 */
export function concatSources(names: readonly string[], open: (name: string) => Promise<Source>): Source {
  if (names.length === 0) throw new RangeError('concatSources: no inputs');
  const opened: Source[] = [];
  let stopped = false;
  return {
    name: names.join(', '),
    origin: { kind: 'concat', inputs: [...names] },
    async *batches(): AsyncGenerator<Exchange[]> {
      for (const name of names) {
        if (stopped) return;
        const source = await open(name);
        opened.push(source);
        yield* source.batches();
      }
    },
    async stop(): Promise<void> {
      stopped = true;
      await opened.at(-1)?.stop();
    },
    stats: () => ({ inputs: opened.map((s) => ({ name: s.name, ...s.stats() })) }),
  };
}
