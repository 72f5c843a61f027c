import { hostname } from 'node:os';
import type { Exchange } from '../../exchange.js';
import { toHarEntry } from '../../formats/har-entry.js';
import type { OutputHeader } from '../../formats/capture-file.js';
import { createRedactor, REDACT_ALL } from '../../stages/redact/index.js';
import { StreamPublisher, type PublisherStats } from '../../streams/publisher.js';
import { parseStreamUrl, type StreamOptions } from '../../streams/url.js';

const DONE = Promise.resolve();

/**
 * `redis://…/STREAM` as an output: each exchange, redacted, becomes one stream entry holding the
 * same JSON as a capture-file line and the host that captured it. `write` never waits for Redis:
 * what Redis cannot take in time is dropped and counted (see StreamPublisher).
 */
export class RedisOutput {
  count = 0;
  readonly failure: Error | undefined = undefined;
  private readonly host = hostname();

  private constructor(
    private readonly publisher: StreamPublisher,
    private readonly redact: (ex: Exchange) => Exchange,
  ) {}

  /** `flags` (from the command line) override the URL's own options. */
  static async open(url: string, header: OutputHeader = {}, flags: Partial<StreamOptions> = {}): Promise<RedisOutput> {
    const u = parseStreamUrl(url);
    u.options = { ...u.options, ...definedOf(flags) };
    return new RedisOutput(await StreamPublisher.open(u), createRedactor(header.redaction ?? REDACT_ALL));
  }

  get shown(): string {
    return this.publisher.url.shown;
  }

  write(ex: Exchange): Promise<void> {
    const red = this.redact(ex);
    if (this.publisher.offer(JSON.stringify(toHarEntry(red)), red.source?.host ?? this.host)) this.count++;
    return DONE;
  }

  stats(): PublisherStats {
    return this.publisher.stats();
  }

  /** One line for a command's summary. */
  summary(): string {
    const s = this.publisher.stats();
    return `${this.shown}: ${s.published} published, ${s.droppedQueueFull + s.droppedFailed} dropped (${s.droppedQueueFull} queue full, ${s.droppedFailed} refused), ${s.queued} queued, ${s.reconnects} reconnects`;
  }

  async close(): Promise<void> {
    await this.publisher.close();
  }
}

export function definedOf<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
