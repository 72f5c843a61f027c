/**
 * A bounded single-consumer channel that never makes the producer wait: when the consumer lags and
 * the queue is full, new items are dropped and counted. This is what keeps recording and mirroring off
 * the production path — a slow disk or shadow costs data, never latency.
 */
export class DropQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<T>) => void) | undefined;
  private closed = false;
  accepted = 0;
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('DropQueue capacity must be >= 1');
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Returns false (and counts a drop) when full or closed. */
  offer(item: T): boolean {
    if (this.closed) {
      this.dropped++;
      return false;
    }
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      this.accepted++;
      w({ value: item, done: false });
      return true;
    }
    if (this.size >= this.capacity) {
      this.dropped++;
      return false;
    }
    this.accepted++;
    this.items.push(item);
    return true;
  }

  /** No more items; the consumer still receives what is queued, then ends. */
  close(): void {
    this.closed = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.({ value: undefined, done: true });
  }

  /** The next queued item, without waiting; undefined when none is queued. */
  poll(): T | undefined {
    return this.size > 0 ? this.take() : undefined;
  }

  /** Up to `max` queued items at once, without waiting (for batching writes). */
  drainSync(max: number): T[] {
    const out: T[] = [];
    while (out.length < max && this.size > 0) out.push(this.take() as T);
    return out;
  }

  private take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    this.items[this.head++] = undefined as T;
    // Compact now and then instead of shift(): shift is O(n) per item on large queues.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.size > 0) return Promise.resolve({ value: this.take() as T, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiter = resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
