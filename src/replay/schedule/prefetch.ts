/**
 * Reads a schedule ahead of the sender. Reading a capture means file I/O (libuv's thread pool) and
 * parsing; on a busy machine one read can take tens of ms, and if the sender waited for it, every
 * request behind it would go out late. A background pump keeps up to `ahead` items buffered, so the
 * sender takes the next request synchronously in the common case. Memory is bounded by `ahead` items
 * and by `maxBytes` as estimated by `weigh`.
 */
export async function* prefetch<T>(source: AsyncIterable<T>, ahead = 2048, maxBytes = 8 << 20, weigh: (x: T) => number = () => 0): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const buf: T[] = [];
  let head = 0;
  let bytes = 0;
  const full = (): boolean => buf.length - head >= ahead || bytes >= maxBytes;
  let done = false;
  let failure: { err: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  let stopped = false;

  const pump = async (): Promise<void> => {
    let pulled = 0;
    try {
      while (!stopped) {
        // Filling the buffer is a loop of resolved promises: let timers and I/O in now and then.
        if (++pulled % 64 === 0) await new Promise((r) => setImmediate(r));
        if (full()) await new Promise<void>((r) => (wakeProducer = r));
        if (stopped) break;
        const n = await it.next();
        if (n.done) break;
        buf.push(n.value);
        bytes += weigh(n.value);
        wakeConsumer?.();
      }
    } catch (err) {
      failure = { err };
    } finally {
      done = true;
      wakeConsumer?.();
    }
  };
  const pumping = pump();
  try {
    while (true) {
      if (head < buf.length) {
        const v = buf[head]!;
        buf[head++] = undefined as T;
        bytes -= weigh(v);
        if (head > 4096 && head * 2 > buf.length) {
          buf.splice(0, head);
          head = 0;
        }
        if (wakeProducer && buf.length - head < ahead / 2 && bytes < maxBytes / 2) {
          const w = wakeProducer;
          wakeProducer = undefined;
          w();
        }
        yield v;
        continue;
      }
      if (failure) throw failure.err;
      if (done) return;
      await new Promise<void>((r) => (wakeConsumer = r));
      wakeConsumer = undefined;
    }
  } finally {
    stopped = true;
    wakeProducer?.();
    await pumping;
    await it.return?.();
  }
}
