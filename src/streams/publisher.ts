import { streamClient, connectWithin, refuseCluster, type StreamClient } from './client.js';
import type { StreamUrl } from './url.js';

/** Defaults: about 100k entries kept in the stream, 10k waiting in memory, 256 per pipelined batch. */
export const DEFAULT_MAXLEN = 100_000;
export const DEFAULT_QUEUE = 10_000;
const BATCH = 256;

export interface PublisherStats {
  published: number;
  /** Offered while the queue was full (Redis slow, full or down). */
  droppedQueueFull: number;
  /** Sent but refused or lost (Redis failed the command, e.g. OOM, or the connection broke). */
  droppedFailed: number;
  queued: number;
  reconnects: number;
  connected: boolean;
  /** The last error Redis gave, without any URL. */
  lastError?: string;
}

/** Field names of a stream entry: the exchange (a capture-file line's JSON) and the host that captured it. */
export const FIELD_EXCHANGE = 'x';
export const FIELD_HOST = 'h';

/**
 * Publishes entries into one stream without ever making the caller wait: `offer` puts the entry in a
 * bounded queue and returns; a pump sends what is queued as pipelined XADDs (`MAXLEN ~`, so Redis
 * memory stays bounded). When Redis is slow the queue fills and new entries are dropped and counted;
 * when it is down, the client reconnects with backoff and the pump resumes once it is back.
 */
export class StreamPublisher {
  private readonly queue: { payload: string; host: string }[] = [];
  private readonly client: StreamClient;
  private readonly s: PublisherStats = { published: 0, droppedQueueFull: 0, droppedFailed: 0, queued: 0, reconnects: 0, connected: false };
  private pumping = false;
  private closed = false;
  private idle: (() => void) | undefined;

  private constructor(
    readonly url: StreamUrl,
    private readonly maxlen: number,
    private readonly capacity: number,
  ) {
    this.client = streamClient(url, {
      onReconnecting: () => void this.s.reconnects++,
      onError: (err) => void (this.s.lastError = err.message),
      onReady: () => this.kick(),
    });
  }

  /** Starts connecting; resolves once connected or after `waitMs` (publishing starts whenever Redis answers). */
  static async open(url: StreamUrl, waitMs = 2000): Promise<StreamPublisher> {
    const p = new StreamPublisher(url, url.options.maxlen ?? DEFAULT_MAXLEN, url.options.queue ?? DEFAULT_QUEUE);
    // Checked when Redis answers at start; one that is down then is checked by no one (its MOVED replies count as refused).
    if ((await connectWithin(p.client, waitMs)) === undefined) {
      await refuseCluster(p.client, url.shown).catch((err: unknown) => {
        p.client.destroy();
        throw err;
      });
    }
    return p;
  }

  /** Never blocks: false when the entry was dropped because the queue is full. */
  offer(payload: string, host: string): boolean {
    if (this.closed || this.queue.length >= this.capacity) {
      this.s.droppedQueueFull++;
      return false;
    }
    this.queue.push({ payload, host });
    this.kick();
    return true;
  }

  stats(): PublisherStats {
    return { ...this.s, queued: this.queue.length, connected: this.client.isReady };
  }

  get dropped(): number {
    return this.s.droppedQueueFull + this.s.droppedFailed;
  }

  private kick(): void {
    if (this.pumping || !this.queue.length) return;
    this.pumping = true;
    // setImmediate: entries offered in the same turn go out in one pipeline.
    setImmediate(() => void this.pump());
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length && this.client.isReady) {
        const batch = this.queue.splice(0, BATCH);
        const opts = { TRIM: { strategy: 'MAXLEN' as const, strategyModifier: '~' as const, threshold: this.maxlen } };
        // Commands issued in one turn are written as one pipeline by node-redis.
        const sent = await Promise.allSettled(batch.map((e) => this.client.xAdd(this.url.stream, '*', { [FIELD_EXCHANGE]: e.payload, [FIELD_HOST]: e.host }, opts)));
        for (const r of sent) {
          if (r.status === 'fulfilled') this.s.published++;
          else {
            this.s.droppedFailed++;
            this.s.lastError = (r.reason as Error).message;
          }
        }
      }
    } finally {
      this.pumping = false;
      if (!this.queue.length || this.closed) this.idle?.();
      // Not ready: the client's 'ready' event kicks the pump again.
      else if (this.client.isReady) this.kick();
    }
  }

  /** Sends what is queued for up to `graceMs`, drops (and counts) the rest, and disconnects. */
  async close(graceMs = 2000): Promise<PublisherStats> {
    if (this.queue.length && this.client.isReady) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => (this.idle = r)), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
    this.closed = true;
    this.s.droppedQueueFull += this.queue.splice(0).length;
    if (this.client.isReady) await this.client.close().catch(() => this.client.destroy());
    else if (this.client.isOpen) this.client.destroy(); // reconnecting: nothing to wait for
    return this.stats();
  }
}
