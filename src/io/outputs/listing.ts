import { once } from 'node:events';
import type { Exchange } from '../../exchange.js';
import { FlushTimer } from '../../formats/line-batcher.js';
import { BATCH_BYTES, LineBytes } from '../../formats/line-bytes.js';
import type { OutputModule, Sink } from '../sink.js';

/**
 * How one `cat` listing lays out exchanges (tsv, tsv-human, json, har-listing: one file each), written
 * into the capture file's byte batches (LineBytes: numbers as digits, strings encoded in place, only
 * whole lines handed out). A layout only formats: the exchanges reach it redacted by the pump.
 */
export interface ListingLayout {
  /** When the listing opens (HAR's opening). */
  open?(out: LineBytes): void;
  /** Exchange number `index` (from 0). */
  add(ex: Exchange, out: LineBytes, index: number): void;
  /** When the listing closes, after `count` exchanges. */
  close?(out: LineBytes, count: number): void;
}

/**
 * A listing on stdout. Each batch is formatted synchronously (a write, or an awaited promise, per
 * exchange costs more than formatting it) and written once ~64 KiB are ready; the rest goes out within
 * 100 ms (FlushTimer), so a live capture's lines show up promptly. write() resolves once stdout drained.
 */
export function listingOutput(layout: ListingLayout): OutputModule {
  return {
    async open(target, opts) {
      const out = opts.stdout ?? process.stdout;
      const bytes = new LineBytes();
      const timer = new FlushTimer(() => flush());
      let written = 0;
      // Every flush writes all it took before it waits: buffers reach `out` in the order they were taken.
      const flush = async (): Promise<void> => {
        timer.disarm();
        if (!bytes.writeTo(out)) await once(out, 'drain');
      };
      layout.open?.(bytes);
      const sink: Sink = {
        name: target === '-' ? 'stdout' : target,
        async write(batch) {
          for (const ex of batch) {
            try {
              layout.add(ex, bytes, written);
            } catch (err) {
              bytes.dropLine(); // no torn line: what was printed stays whole
              throw err;
            }
            written++;
          }
          if (bytes.pending >= BATCH_BYTES) await flush();
          else timer.arm();
        },
        flush,
        async close() {
          layout.close?.(bytes, written);
          await flush();
        },
        stats: () => ({ written }),
      };
      return sink;
    },
  };
}
