import { InvalidRunError } from '../errors.js';
import type { Up, WorkerDone } from './protocol.js';

export interface Member {
  index: number;
  name?: string;
  lastSeenMs: number;
  ready: boolean;
  done?: WorkerDone;
  skewUs: number;
  rttUs: number;
}

const TICK_MS = 100;

/**
 * What the coordinator knows of its workers, and the waits on them. Every wait fails the run — an
 * InvalidRunError naming the worker — as soon as one worker reports an error, stops heartbeating, or
 * the wait times out: never a silent partial result.
 */
export class Roster {
  readonly members: Member[];
  private failure: string | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly ticker: NodeJS.Timeout;

  constructor(
    count: number,
    private readonly heartbeatTimeoutMs: number,
  ) {
    this.members = Array.from({ length: count }, (_, index) => ({ index, lastSeenMs: 0, ready: false, skewUs: 0, rttUs: 0 }));
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  /** "host:pid (worker 2 of 3)", or the slot alone for one that never joined. */
  label(m: Member): string {
    const slot = `worker ${m.index + 1} of ${this.members.length}`;
    return m.name ? `${m.name} (${slot})` : slot;
  }

  heard(msg: Up): Member | undefined {
    const m = this.members[msg.w];
    if (!m) return undefined;
    m.lastSeenMs = Date.now();
    if (msg.t === 'hello') m.name = msg.name;
    else if (msg.t === 'ready') m.ready = true;
    else if (msg.t === 'done') m.done = msg;
    else if (msg.t === 'error') this.fail(`worker ${this.label(m)} failed: ${msg.message}`);
    this.wake();
    return m;
  }

  fail(why: string): void {
    this.failure ??= why;
    this.wake();
  }

  get failed(): string | undefined {
    return this.failure;
  }

  /** Resolves once `done()` holds; rejects on a failure, or after `ms` with `late()`'s message. */
  until(done: () => boolean, ms: number, late: () => string): Promise<void> {
    const deadline = Date.now() + ms;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const failure = this.failure ?? (done() ? undefined : Date.now() >= deadline ? late() : undefined);
        if (failure === undefined && !done()) return;
        this.waiters.delete(check);
        if (failure !== undefined) reject(new InvalidRunError(failure));
        else resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  /**
   * After a failure: resolves once every worker still heard from has sent its `done` (told to stop,
   * it ends its share and reports it), or after `ms`. A worker that never joined, or has gone silent
   * for the heartbeat timeout, is not waited for.
   */
  settle(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    const settled = (): boolean => Date.now() >= deadline || this.members.every((m) => m.done || m.name === undefined || Date.now() - m.lastSeenMs > this.heartbeatTimeoutMs);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!settled()) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    clearInterval(this.ticker);
  }

  private tick(): void {
    const now = Date.now();
    for (const m of this.members) {
      if (m.name === undefined || m.done) continue;
      if (now - m.lastSeenMs > this.heartbeatTimeoutMs) this.fail(`worker ${this.label(m)} stopped heartbeating: nothing heard for ${((now - m.lastSeenMs) / 1000).toFixed(1)} s (killed, or cut off from the coordinator); the run is invalid`);
    }
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
