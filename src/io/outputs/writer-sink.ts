import type { Exchange } from '../../exchange.js';
import type { Sink } from '../sink.js';

/** A file writer that takes one exchange at a time (capture file, .gor) as a Sink. */
export function writerSink(name: string, w: { write(ex: Exchange): Promise<void> | void; close(): Promise<void>; sync?(): Promise<void>; readonly count: number }): Sink {
  return {
    name,
    async write(batch) {
      for (const ex of batch) await w.write(ex);
    },
    flush: async () => w.sync?.(),
    close: () => w.close(),
    stats: () => ({ written: w.count }),
  };
}
