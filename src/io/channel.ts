interface Pending<T> {
  value: T;
  taken: () => void;
  refused: (err: unknown) => void;
}

/**
 * A one-slot hand-over from a pushing producer to a pulling consumer (a sink's write() to a writer that
 * takes an AsyncIterable): push() resolves once the consumer asks for the next item, so the producer waits
 * for a slow consumer (back-pressure), and rejects once the consumer failed.
 */
export class Channel<T> implements AsyncIterable<T> {
  private pending: Pending<T> | undefined;
  private inHand: Pending<T> | undefined;
  private wake: (() => void) | undefined;
  private ended = false;
  private failed: { err: unknown } | undefined;

  push(value: T): Promise<void> {
    if (this.failed) return Promise.reject(this.failed.err);
    return new Promise<void>((taken, refused) => {
      this.pending = { value, taken, refused };
      this.wake?.();
    });
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /** The consumer failed: the item it holds, the one waiting and every later push reject with `err`. */
  fail(err: unknown): void {
    this.failed = { err };
    for (const p of [this.inHand, this.pending]) p?.refused(err);
    this.inHand = this.pending = undefined;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      while (!this.pending && !this.ended && !this.failed) await new Promise<void>((r) => (this.wake = r));
      const p = this.pending;
      if (!p) return;
      this.pending = undefined;
      this.inHand = p;
      yield p.value;
      this.inHand = undefined;
      p.taken();
    }
  }
}
