import type { Exchange } from '../exchange.js';
import type { ReadOptions } from '../formats/capture-file.js';
import { isStreamUrl } from '../streams/url.js';
import { streamInputFlags, type StreamInputArgs } from './stream-flags.js';

/**
 * A file by `openFile`, or `redis://…/STREAM` read to its end as of now (or `--to`). Read this way
 * (convert, cat) a stream is exported, not consumed: with `--group` each exchange is acknowledged
 * once it has been passed on. The stream's accounting goes to stderr when it ends.
 */
export async function openInput(path: string, flags: StreamInputArgs, openFile: (p: string, o: ReadOptions) => Promise<AsyncIterable<Exchange>>, o: ReadOptions): Promise<AsyncIterable<Exchange>> {
  if (!isStreamUrl(path)) return openFile(path, o);
  const { RedisInput } = await import('../io/inputs/redis.js');
  const input = await RedisInput.open(path, streamInputFlags(flags), { onWarning: o.onWarning });
  return (async function* () {
    try {
      for await (const batch of input.batches()) {
        for (const ex of batch) {
          yield ex;
          input.ack(ex.id);
        }
      }
    } finally {
      await input.close();
      process.stderr.write(`${input.summary()}\n`);
    }
  })();
}
