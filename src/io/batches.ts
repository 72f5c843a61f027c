/** Exchanges one at a time → batches of up to `size`, for readers that yield singly (HAR, GoReplay, ALB logs). */
export async function* batched<T>(items: AsyncIterable<T>, size = 256): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** A source whose batches stop at the next batch once `stop()` was called (files: what was read so far is written). */
export function stoppable<T>(batches: () => AsyncIterable<T[]>): { batches(): AsyncIterable<T[]>; stop(): Promise<void> } {
  let stopped = false;
  return {
    async *batches() {
      for await (const b of batches()) {
        yield b;
        if (stopped) return;
      }
    },
    stop: async () => void (stopped = true),
  };
}

/**
 * A live queue as batches: the first item is waited for, then whatever else it already holds (up to
 * `max`) comes along without waiting, so a backlog costs the pump one pass per batch, not per exchange.
 */
export async function* drained<T>(queue: AsyncIterable<T> & { drainSync(max: number): T[] }, max: number): AsyncGenerator<T[]> {
  for await (const first of queue) yield [first, ...queue.drainSync(max - 1)];
}
