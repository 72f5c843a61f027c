import { hostname } from 'node:os';
import type { Exchange } from '../../exchange.js';
import { toHarEntry } from '../../formats/har-entry.js';
import { DEFAULT_QUEUE, StreamPublisher, type PublisherStats } from '../../streams/publisher.js';
import { parseStreamUrl, type StreamOptions } from '../../streams/url.js';
import type { OutputModule, Sink, SinkLog, SinkStats } from '../sink.js';
import { LOOK_EVERY_MS, Trouble, every } from './trouble.js';

export interface RedisOutputStats extends PublisherStats, SinkStats {
  /** Entries still queued when the output closed and Redis did not take within the grace: lost (not in droppedQueueFull). */
  lostAtStop: number;
}

/**
 * `redis://…/STREAM` as an output: each exchange (redacted by the pump's stage, as every sink's)
 * becomes one stream entry holding the same JSON as a capture-file line and the host that captured
 * it. `write` never waits for Redis: what Redis cannot take in time is dropped and counted.
 */
export class RedisOutput implements Sink {
  private readonly host = hostname();

  /** Own properties, not prototype methods: the pump may copy a sink's fields. */
  readonly name: string;
  /** Why the stream is degraded now (Redis not connected, entries dropped), for the agent's health. */
  readonly trouble: Trouble;
  private lostAtStop = 0;
  private lostSeen = 0;
  private readonly watch: NodeJS.Timeout | undefined;

  private constructor(
    private readonly publisher: StreamPublisher,
    private readonly capacity: number,
    private readonly log: SinkLog | undefined,
  ) {
    this.name = publisher.url.shown;
    this.trouble = new Trouble('stream', log);
    // Only a long-running owner (the agent) is told: a command prints its summary at the end.
    if (log) {
      this.look();
      this.watch = every(LOOK_EVERY_MS, this.look);
    }
  }

  /** `flags` (from the command line or agent.yaml) override the URL's own options; `log` watches the stream (trouble). */
  static async open(url: string, flags: Partial<StreamOptions> = {}, log?: SinkLog): Promise<RedisOutput> {
    const u = parseStreamUrl(url);
    u.options = { ...u.options, ...definedOf(flags) };
    return new RedisOutput(await StreamPublisher.open(u), u.options.queue ?? DEFAULT_QUEUE, log);
  }

  /** Resolves at once: the publisher queues or drops, never waits. */
  write = (batch: readonly Exchange[]): Promise<void> => {
    let refused = false;
    for (const ex of batch) refused = !this.publisher.offer(JSON.stringify(toHarEntry(ex)), ex.source?.host ?? this.host) || refused;
    // The first drop is told at once, not at the next look.
    if (refused && this.watch && this.trouble.reason === undefined) this.look();
    return Promise.resolve();
  };

  private look = (): void => {
    const s = this.publisher.stats();
    const lost = s.droppedQueueFull + s.droppedFailed;
    const dropping = lost > this.lostSeen;
    this.lostSeen = lost;
    const counts = `${s.droppedQueueFull} dropped with the queue full, ${s.droppedFailed} refused by Redis, ${s.queued} of ${this.capacity} queued`;
    let reason: string | undefined;
    if (!s.connected) reason = `not connected to Redis${s.lastError ? ` (${s.lastError})` : ''}: entries wait in the queue and are dropped once it is full (${counts})`;
    else if (dropping) reason = `dropping entries (${counts})${s.droppedFailed && s.lastError ? `: ${s.lastError}` : ''}`;
    this.trouble.update(reason, lost, { stream: this.name });
  };

  flush = (): Promise<void> => Promise.resolve();

  stats = (): RedisOutputStats => {
    const s = this.publisher.stats();
    // The publisher counts what its close dropped as queue-full drops; here they are lostAtStop, counted once.
    return { ...s, droppedQueueFull: s.droppedQueueFull - this.lostAtStop, lostAtStop: this.lostAtStop, written: s.published };
  };

  /** One line for a command's summary. */
  summary = (): string => {
    const s = this.stats();
    const stop = s.lostAtStop ? `, ${s.lostAtStop} lost at stop` : '';
    return `${this.name}: ${s.published} published, ${s.droppedQueueFull + s.droppedFailed} dropped (${s.droppedQueueFull} queue full, ${s.droppedFailed} refused), ${s.queued} queued, ${s.reconnects} reconnects${stop}`;
  };

  /** Publishes what is queued for the publisher's grace; what Redis has not taken by then is lostAtStop. */
  close = async (): Promise<void> => {
    clearInterval(this.watch);
    const before = this.publisher.stats().droppedQueueFull;
    const after = await this.publisher.close();
    this.lostAtStop = after.droppedQueueFull - before;
    if (this.lostAtStop) this.log?.('error', 'stopping: stream entries not published, counted as lost', { stream: this.name, lost: this.lostAtStop, connected: after.connected });
  };
}

export const output: OutputModule = {
  open: (target) => RedisOutput.open(target),
};

export function definedOf<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
