import type { Exchange } from '../../exchange.js';
import { fromHarEntry } from '../../formats/har-import.js';
import { StreamConsumer, type ConsumerStats, type StreamEntry } from '../../streams/consumer.js';
import { parseStreamUrl, type StreamOptions } from '../../streams/url.js';
import { definedOf } from '../outputs/redis.js';
import type { InputModule, Source } from '../source.js';

export interface RedisInputOptions {
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

/**
 * `redis://…/STREAM` as an input. Each exchange's id is its stream entry id (unique across the
 * publishing hosts, whose own ids may repeat); its source host is the entry's. With a group the
 * reader acknowledges an exchange with `ack(ex.id)` once it has been handled; an entry that is not
 * an exchange is acknowledged at once (it could never be handled), warned about and counted.
 */
export class RedisInput implements Source {
  invalid = 0;
  exchanges = 0;
  private readonly stopper = new AbortController();

  /** With a group (see Source.handled): the pump acknowledges each batch once its sinks have it. */
  readonly handled?: (batch: readonly Exchange[]) => void;

  private constructor(
    readonly consumer: StreamConsumer,
    private readonly o: RedisInputOptions,
  ) {
    if (consumer.group !== undefined) this.handled = (batch) => batch.forEach((ex) => this.ack(ex.id));
  }

  static async open(url: string, flags: Partial<StreamOptions> = {}, o: RedisInputOptions = {}): Promise<RedisInput> {
    const u = parseStreamUrl(url);
    u.options = { ...u.options, ...definedOf(flags) };
    return new RedisInput(await StreamConsumer.open(u), o);
  }

  get shown(): string {
    return this.consumer.url.shown;
  }

  get name(): string {
    return this.shown;
  }

  get origin(): Record<string, unknown> {
    return { kind: 'redis', stream: this.shown };
  }

  /** Ends the reading (a --follow read runs until this or its signal); a group's pending acknowledgements are sent. */
  async stop(): Promise<void> {
    this.stopper.abort();
    if (this.grouped) await this.close();
  }

  get grouped(): boolean {
    return this.consumer.group !== undefined;
  }

  async *batches(): AsyncGenerator<Exchange[]> {
    const signal = this.o.signal ? AbortSignal.any([this.o.signal, this.stopper.signal]) : this.stopper.signal;
    for await (const entries of this.consumer.batches(signal)) {
      const out: Exchange[] = [];
      for (const e of entries) {
        const ex = this.exchangeOf(e);
        if (ex) out.push(ex);
        else this.ack(e.id);
      }
      this.exchanges += out.length;
      if (out.length) yield out;
    }
    // Read to the end: with a group the last acknowledgements are sent by whoever calls `close` after
    // handling (replay); without one nothing is pending, and the connections must not keep the process up.
    if (!this.grouped) await this.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Exchange> {
    for await (const b of this.batches()) yield* b;
  }

  ack(id: string): void {
    this.consumer.ack(id);
  }

  stats(): ConsumerStats & { invalid: number } {
    return { ...this.consumer.stats, invalid: this.invalid };
  }

  summary(): string {
    const s = this.consumer.stats;
    const who = this.consumer.group ? ` (group ${this.consumer.group}, consumer ${this.consumer.consumer})` : '';
    return `${this.shown}${who}: ${s.read} read, ${s.claimed} claimed from other consumers, ${s.acked} acknowledged, ${this.invalid} invalid, ${s.reconnects} reconnects`;
  }

  close(): Promise<void> {
    return this.consumer.close();
  }

  private exchangeOf(e: StreamEntry): Exchange | undefined {
    try {
      if (e.payload === undefined) throw new Error('no exchange field');
      const ex = fromHarEntry(JSON.parse(e.payload), e.id);
      ex.id = e.id;
      if (e.host !== undefined) ex.source = { ...ex.source, host: e.host };
      return ex;
    } catch (err) {
      this.invalid++;
      this.o.onWarning?.(`${this.shown}: entry ${e.id}: not an exchange (${(err as Error).message}); skipped`);
      return undefined;
    }
  }
}

/**
 * For the registry (convert, cat): options in the URL's query. With `?group=`, the pump acknowledges
 * each batch once every sink has written and flushed it (at least once: a killed export leaves the rest
 * pending, and the next run of the group reads it).
 */
export const input: InputModule = {
  open: (target, opts) => RedisInput.open(target, {}, { onWarning: opts.onWarning }),
};
