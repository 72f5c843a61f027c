import type { Exchange } from '../../exchange.js';
import type { Sink } from '../sink.js';

/** A file writer (capture file, .gor) as a Sink: a batch at once when the writer takes one, else an exchange at a time. */
export function writerSink(
  name: string,
  w: { write(ex: Exchange): Promise<void> | void; writeBatch?(batch: readonly Exchange[]): Promise<void>; close(): Promise<void>; sync?(): Promise<void>; readonly count: number },
): Sink {
  return {
    name,
    write: w.writeBatch
      ? (batch) => w.writeBatch!(batch)
      : async (batch) => {
          for (const ex of batch) await w.write(ex);
        },
    flush: async () => w.sync?.(),
    close: () => w.close(),
    stats: () => ({ written: w.count }),
  };
}
