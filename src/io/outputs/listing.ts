import type { Exchange } from '../../exchange.js';
import { printExchangeBatches, type PrintFormat } from '../../cli/print.js';
import type { OutputModule, Sink } from '../sink.js';
import { Channel } from '../channel.js';

/**
 * `cat` listings on stdout: tsv, json lines, or one HAR document. The printer runs as the consumer of a
 * channel the sink's writes feed. The exchanges reach it redacted by the pump, so it is given nothing to do.
 */
export function listing(format: PrintFormat): OutputModule {
  return {
    async open(target, opts) {
      const out = opts.stdout ?? process.stdout;
      const ch = new Channel<readonly Exchange[]>();
      let written = 0;
      const done = printExchangeBatches(ch, format, out, { enabled: false });
      done.catch((err: unknown) => ch.fail(err));
      const sink: Sink = {
        name: target === '-' ? 'stdout' : target,
        write: (batch) => ((written += batch.length), ch.push(batch)),
        flush: async () => {},
        close: async () => {
          ch.end();
          await done;
        },
        stats: () => ({ written }),
      };
      return sink;
    },
  };
}
