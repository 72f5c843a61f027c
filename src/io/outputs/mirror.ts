import { performance } from 'node:perf_hooks';
import type { Exchange } from '../../exchange.js';
import { bodyBytes } from '../../body.js';
import { DropQueue } from '../../capture/proxy/drop-queue.js';
import { rateCap } from '../../stages/rate-cap.js';
import { sampleStage } from '../../stages/sample.js';
import type { Stage } from '../../stages/stage.js';
import type { Sink, SinkStats } from '../sink.js';
import type { MirrorOptions, MirrorRequest, MirrorStats, MirrorTarget } from './mirror-types.js';
import { LOOK_EVERY_MS, Trouble, every } from './trouble.js';

export type { MirrorEngine, MirrorOptions, MirrorRequest, MirrorStats, MirrorTarget } from './mirror-types.js';

/** How long a closing mirror lets what it queued finish before abandoning it. */
export const MIRROR_DRAIN_MS = 5000;

/** A replay run is restarted this often so that its per-interval statistics never grow without bound. */
const SEGMENT_MS = 5 * 60_000;

/**
 * Live mirroring through the replay engine (injected). A Sink that takes exchanges before redaction
 * (`takesOriginal`): it sends them to a shadow, in memory, never writes them. `write` never waits: sampling, a token-bucket rate cap and a
 * bounded queue decide at once, and anything refused is counted, so a slow or dead shadow cannot reach
 * back into capture or production. Counts add up: offered = sampledOut + rateLimited + queueDropped +
 * engineDropped + abandoned + mirrored (+ in flight while running).
 */
export class MirrorSink implements Sink {
  readonly name = 'mirror';
  readonly takesOriginal = true as const;
  private queue: DropQueue<Exchange>;
  /** The pump's own sample and rate-cap stages, applied here to what the mirror is offered only. */
  private readonly sample: Stage;
  private readonly cap: Stage | undefined;
  private abort = new AbortController();
  private loop: Promise<void>;
  readonly counts: MirrorStats = { offered: 0, sampledOut: 0, rateLimited: 0, queueDropped: 0, mirrored: 0, errors: 0, engineDropped: 0, abandoned: 0 };
  private seq = 0;
  /** Why the mirror is degraded now (the shadow fails every request, exchanges dropped), for the agent's health. */
  readonly trouble: Trouble;
  private readonly watch: NodeJS.Timeout;
  private seen = { lost: 0, mirrored: 0, errors: 0 };
  private failing = false;
  private lastError: string | undefined;

  constructor(private readonly o: MirrorOptions) {
    this.queue = new DropQueue(o.queue);
    this.sample = sampleStage(o.samplePercent);
    this.cap = o.maxRate !== undefined ? rateCap(o.maxRate) : undefined;
    this.trouble = new Trouble('mirror', o.log);
    this.watch = every(LOOK_EVERY_MS, () => this.look());
    this.loop = this.run();
  }

  /** Sampling and the rate cap drop by design; a full queue and a shadow that answers nothing are trouble. */
  private look(): void {
    const c = this.counts;
    const lost = c.queueDropped + c.engineDropped;
    const answered = c.mirrored - c.errors - (this.seen.mirrored - this.seen.errors);
    const failed = c.errors - this.seen.errors;
    const dropping = lost > this.seen.lost;
    // Nothing sent since the last look says nothing new: a shadow that failed stays failing until it answers.
    if (answered > 0) this.failing = false;
    else if (failed > 0) this.failing = true;
    this.seen = { lost, mirrored: c.mirrored, errors: c.errors };
    const counts = `${c.queueDropped} dropped with the queue full, ${c.engineDropped} by a target's queue, ${c.errors} failed`;
    let reason: string | undefined;
    if (this.failing) reason = `every mirrored request fails${this.lastError ? ` (${this.lastError})` : ''} (${counts})`;
    else if (dropping) reason = `dropping exchanges: the shadow cannot keep up (${counts})`;
    this.trouble.update(reason, lost + c.errors, { targets: this.o.targets.map((t) => t.url) });
  }

  /** Never waits: sampling, the rate cap and the queue decide at once. */
  write(batch: readonly Exchange[]): Promise<void> {
    this.counts.offered += batch.length;
    let kept = this.sample.apply(batch as Exchange[]);
    this.counts.sampledOut += batch.length - kept.length;
    if (this.cap) {
      const before = kept.length;
      kept = this.cap.apply(kept);
      this.counts.rateLimited += before - kept.length;
    }
    for (const ex of kept) if (!this.queue.offer(ex)) this.counts.queueDropped++;
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  stats(): MirrorStats & SinkStats {
    return { ...this.counts, written: this.counts.offered };
  }

  private async *segment(untilMs: number): AsyncGenerator<MirrorRequest> {
    const it = this.queue[Symbol.asyncIterator]();
    while (performance.now() < untilMs) {
      const timer = new Promise<'tick'>((r) => setTimeout(() => r('tick'), 1000).unref());
      // Hand the engine no more than it can send now: it reads schedules ahead, and whatever it held
      // would sit beyond our bound instead of being dropped and counted here.
      if (this.outstanding >= this.o.connections) {
        await Promise.race([new Promise<void>((r) => (this.slotFreed = r)), timer]);
        continue;
      }
      const next = await Promise.race([this.nextOf(it), timer]);
      if (next === 'tick') continue;
      if (next.done) return;
      const ex = next.value;
      const body = ex.request.body && !ex.request.body.truncated ? bodyBytes(ex.request.body) : undefined;
      this.outstanding++;
      yield { intendedUs: 0, method: ex.request.method, target: ex.request.target, headers: ex.request.headers, ...(body?.length ? { body } : {}), id: `mirror-${++this.seq}` };
    }
  }

  private outstanding = 0;
  private slotFreed: (() => void) | undefined;

  /** One pending next() shared across timer ticks, so no item is lost to an abandoned promise. */
  private pending: Promise<IteratorResult<Exchange>> | undefined;
  private nextOf(it: AsyncIterator<Exchange>): Promise<IteratorResult<Exchange>> {
    this.pending ??= it.next().then((r) => {
      this.pending = undefined;
      return r;
    });
    return this.pending;
  }

  private async run(): Promise<void> {
    const targets: MirrorTarget[] = this.o.targets.map((t) => ({
      url: t.url,
      ...(t.proxy ? { proxy: t.proxy } : {}),
      connections: this.o.connections,
      maxInFlight: this.o.connections,
      maxQueue: this.o.queue,
      headersTimeoutMs: this.o.timeoutMs,
      bodyTimeoutMs: this.o.timeoutMs,
      connectTimeoutMs: Math.min(this.o.timeoutMs, 5000),
    }));
    while (!this.abort.signal.aborted) {
      await this.o.engine({
        schedule: this.segment(performance.now() + SEGMENT_MS),
        targets,
        signal: this.abort.signal,
        onResult: (r) => {
          if (r.target !== 0) return; // count each exchange once, by the first target
          this.outstanding--;
          this.slotFreed?.();
          if (r.error === 'dropped') this.counts.engineDropped++;
          else {
            this.counts.mirrored++;
            if (r.error) {
              this.counts.errors++;
              this.lastError = r.error;
            }
          }
        },
      }).catch(async (err: Error) => {
        this.o.log('error', 'mirroring run failed; retrying in 1 s', { reason: err.message });
        // Never spin: a failing engine would otherwise pull (and lose) the whole queue at once.
        await new Promise((r) => setTimeout(r, 1000));
      });
      if (this.closing) break;
    }
  }

  private closing = false;

  /** Sends what is queued for at most `drainMs` (default MIRROR_DRAIN_MS), then abandons the rest (counted). */
  async close(drainMs = MIRROR_DRAIN_MS): Promise<void> {
    this.closing = true;
    clearInterval(this.watch);
    this.queue.close();
    const timer = setTimeout(() => void this.abortNow(), drainMs);
    await this.loop;
    clearTimeout(timer);
  }

  /** Stops at once, abandoning what is queued. */
  async abortNow(): Promise<void> {
    this.closing = true;
    clearInterval(this.watch);
    const s = this.counts;
    const outstanding = (): number => s.offered - s.sampledOut - s.rateLimited - s.queueDropped - s.engineDropped - s.mirrored;
    this.abort.abort();
    this.queue.close();
    await this.loop;
    s.abandoned = outstanding();
  }
}
