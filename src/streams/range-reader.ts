import { retrying, type StreamClient } from './client.js';
import { entryOf, type StreamEntry } from './consumer.js';

export interface RangeOptions {
  from?: string;
  to?: string;
  follow?: boolean;
  signal?: AbortSignal;
  onRead: (n: number) => void;
}

const COUNT = 500;
const BLOCK_MS = 1000;
/** How long a read waits for Redis to come back before the run fails. */
export const READ_RETRY_MS = 60_000;

/** The last id in the stream now, or undefined when it is empty or absent. */
export async function lastId(client: StreamClient, stream: string): Promise<string | undefined> {
  const last = await client.xRevRange(stream, '+', '-', { COUNT: 1 });
  return last[0]?.id;
}

/**
 * Without a group: XRANGE pages from `from` (default the first entry) to `to` (default the last id at
 * start); with `follow` and no `to`, then XREAD BLOCK for new entries. Nothing is acknowledged.
 */
export async function* rangeEntries(client: StreamClient, stream: string, o: RangeOptions): AsyncGenerator<StreamEntry[]> {
  const at = <T>(fn: () => Promise<T>): Promise<T | undefined> => retrying(fn, o.signal, READ_RETRY_MS);
  const startLast = await at(() => lastId(client, stream));
  const end = o.to ?? (o.follow ? '+' : startLast);
  let start = o.from === '$' ? startLast ?? '0' : o.from ?? '-';
  let exclusive = o.from === '$';
  if (end !== undefined) {
    for (;;) {
      const page = await at(() => client.xRange(stream, exclusive ? `(${start}` : start, end, { COUNT }));
      if (!page?.length) break;
      const batch = page.map(entryOf);
      o.onRead(batch.length);
      yield batch;
      start = batch[batch.length - 1]!.id;
      exclusive = true;
      if (page.length < COUNT) break;
    }
  }
  if (!o.follow || o.to !== undefined) return;
  let after = exclusive ? start : startLast ?? '0';
  while (!o.signal?.aborted) {
    const reply = await at(() => client.xRead({ key: stream, id: after }, { COUNT, BLOCK: BLOCK_MS }));
    const messages = reply?.[0]?.messages;
    if (!messages?.length) continue;
    const batch = messages.map(entryOf);
    o.onRead(batch.length);
    yield batch;
    after = batch[batch.length - 1]!.id;
  }
}
