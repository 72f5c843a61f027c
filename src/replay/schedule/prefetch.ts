/**
 * Reads a schedule ahead of the sender. Reading a capture means file I/O (libuv's thread pool) and
 * parsing; on a busy machine one read can take tens of ms, and if the sender waited for it, every
 * request behind it would go out late. A background pump keeps up to `ahead` items buffered, and the
 * sender takes them with a plain synchronous `shift()` (no promise per item: at `--speed 0` that
 * round trip was a visible share of the generator's CPU). Memory is bounded by `ahead` items and by
 * `maxBytes` as estimated by `weigh` (plus one batch: a source may yield arrays of items, which saves
 * a promise per item).
 */
export class Prefetch<T> {
  private buf: (T | undefined)[] = [];
  /** Each buffered item's weight, taken when it is added: weighing again at `shift` read cold objects per item. */
  private weights: number[] = [];
  private head = 0;
  private bytes = 0;
  private ended = false;
  private failure: { err: unknown } | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;
  private wakeFilled: (() => void) | undefined;
  private stopped = false;
  private readonly it: AsyncIterator<T | T[]>;
  private readonly pumping: Promise<void>;

  constructor(
    source: AsyncIterable<T | T[]>,
    private readonly ahead = 2048,
    private readonly maxBytes = 8 << 20,
    private readonly weigh: (x: T) => number = () => 0,
  ) {
    this.it = source[Symbol.asyncIterator]();
    this.pumping = this.pump();
  }

  /** The next item if one is buffered; undefined when the buffer is empty (see `finished`, `ready`). */
  shift(): T | undefined {
    if (this.head >= this.buf.length) {
      if (this.failure) throw this.failure.err;
      return undefined;
    }
    const v = this.buf[this.head]!;
    this.bytes -= this.weights[this.head]!;
    this.buf[this.head++] = undefined;
    if (this.head > 4096 && this.head * 2 > this.buf.length) {
      this.buf = this.buf.slice(this.head);
      this.weights = this.weights.slice(this.head);
      this.head = 0;
    }
    if (this.wakeProducer && this.buf.length - this.head < this.ahead / 2 && this.bytes < this.maxBytes / 2) {
      const w = this.wakeProducer;
      this.wakeProducer = undefined;
      w();
    }
    return v;
  }

  /** True once the source is exhausted and every item has been taken. */
  get finished(): boolean {
    return this.ended && this.head >= this.buf.length && !this.failure;
  }

  /** Resolves when an item is buffered or the source has ended (or failed: `shift` then throws). */
  ready(): Promise<void> {
    if (this.head < this.buf.length || this.ended) return Promise.resolve();
    return new Promise<void>((r) => (this.wakeConsumer = r));
  }

  /** How many items are left in all, once the source is exhausted (all of them buffered); undefined before, or once closed or failed. */
  remaining(): number | undefined {
    return this.ended && !this.stopped && !this.failure ? this.buf.length - this.head : undefined;
  }

  /** Up to `n` buffered items, left in place. */
  peek(n: number): T[] {
    return this.buf.slice(this.head, this.head + n) as T[];
  }

  /** Resolves once the buffer is full or the source has ended, or after `maxMs` (a live source fills slowly). */
  async filled(maxMs = Infinity): Promise<void> {
    if (this.ended || this.full()) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((r) => {
      this.wakeFilled = r;
      if (maxMs < Infinity) timer = setTimeout(r, maxMs);
    });
    clearTimeout(timer);
    this.wakeFilled = undefined;
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.wakeProducer?.();
    await this.pumping;
    await this.it.return?.();
  }

  private full(): boolean {
    return this.buf.length - this.head >= this.ahead || this.bytes >= this.maxBytes;
  }

  private wake(): void {
    const w = this.wakeConsumer;
    this.wakeConsumer = undefined;
    w?.();
  }

  private add(v: T): void {
    const w = this.weigh(v);
    this.buf.push(v);
    this.weights.push(w);
    this.bytes += w;
  }

  private async pump(): Promise<void> {
    let pulled = 0;
    try {
      while (!this.stopped) {
        // Filling the buffer is a loop of resolved promises: let timers and I/O in now and then.
        if (++pulled % 64 === 0) await new Promise((r) => setImmediate(r));
        if (this.full()) {
          this.wakeFilled?.();
          await new Promise<void>((r) => (this.wakeProducer = r));
        }
        if (this.stopped) break;
        const n = await this.it.next();
        if (n.done) break;
        if (Array.isArray(n.value)) for (const v of n.value) this.add(v);
        else this.add(n.value);
        this.wake();
      }
    } catch (err) {
      this.failure = { err };
    } finally {
      this.ended = true;
      this.wake();
      this.wakeFilled?.();
    }
  }
}
