/**
 * The app-server thread pool the sample service imitates: `threads` requests run at once; when all
 * are busy a new request either fails at once (fail-fast, like a server with no accept queue) or
 * waits in a bounded FIFO queue and fails only when that queue is full.
 */
export type PoolMode = 'fail-fast' | 'queue';

export interface PoolOptions {
  threads: number;
  mode: PoolMode;
  /** Waiting requests at most (queue mode). */
  queue: number;
}

export interface PoolStats {
  busy: number;
  queued: number;
  rejected: number;
  served: number;
}

export class ThreadPool {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];
  private rejected = 0;
  private served = 0;

  constructor(private readonly opts: PoolOptions) {
    if (!(opts.threads >= 1)) throw new RangeError('threads must be at least 1');
  }

  /** Resolves with a release function once a thread is free; resolves null when rejected. */
  acquire(): Promise<(() => void) | null> {
    if (this.busy < this.opts.threads) {
      this.busy++;
      return Promise.resolve(this.releaser());
    }
    if (this.opts.mode === 'fail-fast' || this.waiting.length >= this.opts.queue) {
      this.rejected++;
      return Promise.resolve(null);
    }
    return new Promise((resolve) => this.waiting.push(() => resolve(this.releaser())));
  }

  stats(): PoolStats {
    return { busy: this.busy, queued: this.waiting.length, rejected: this.rejected, served: this.served };
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.served++;
      const next = this.waiting.shift();
      // The thread passes straight to the next waiter: `busy` stays the same.
      if (next) next();
      else this.busy--;
    };
  }
}
