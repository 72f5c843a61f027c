import { hostname } from 'node:os';
import type { Exchange } from '../../exchange.js';
import { toHarEntry } from '../../formats/har-entry.js';
import { StreamPublisher, type PublisherStats } from '../../streams/publisher.js';
import { parseStreamUrl, type StreamOptions } from '../../streams/url.js';
import type { OutputModule, Sink, SinkStats } from '../sink.js';

/**
 * `redis://…/STREAM` as an output: each exchange (redacted by the pump's stage, as every sink's)
 * becomes one stream entry holding the same JSON as a capture-file line and the host that captured
 * it. `write` never waits for Redis: what Redis cannot take in time is dropped and counted.
 */
export class RedisOutput implements Sink {
  private readonly host = hostname();

  /** Own properties, not prototype methods: the pump may copy a sink's fields. */
  readonly name: string;

  private constructor(private readonly publisher: StreamPublisher) {
    this.name = publisher.url.shown;
  }

  /** `flags` (from the command line or agent.yaml) override the URL's own options. */
  static async open(url: string, flags: Partial<StreamOptions> = {}): Promise<RedisOutput> {
    const u = parseStreamUrl(url);
    u.options = { ...u.options, ...definedOf(flags) };
    return new RedisOutput(await StreamPublisher.open(u));
  }

  /** Resolves at once: the publisher queues or drops, never waits. */
  write = (batch: readonly Exchange[]): Promise<void> => {
    for (const ex of batch) this.publisher.offer(JSON.stringify(toHarEntry(ex)), ex.source?.host ?? this.host);
    return Promise.resolve();
  };

  flush = (): Promise<void> => Promise.resolve();

  stats = (): PublisherStats & SinkStats => {
    const s = this.publisher.stats();
    return { ...s, written: s.published };
  };

  /** One line for a command's summary. */
  summary = (): string => {
    const s = this.publisher.stats();
    return `${this.name}: ${s.published} published, ${s.droppedQueueFull + s.droppedFailed} dropped (${s.droppedQueueFull} queue full, ${s.droppedFailed} refused), ${s.queued} queued, ${s.reconnects} reconnects`;
  };

  close = async (): Promise<void> => {
    await this.publisher.close();
  };
}

export const output: OutputModule = {
  open: (target) => RedisOutput.open(target),
};

export function definedOf<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
