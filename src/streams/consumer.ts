import { hostname } from 'node:os';
import { InputError } from '../errors.js';
import { connectWithin, refuseCluster, streamClient, type StreamClient } from './client.js';
import { FIELD_EXCHANGE, FIELD_HOST } from './publisher.js';
import { groupEntries, type GroupReader } from './group-reader.js';
import { rangeEntries } from './range-reader.js';
import type { StreamUrl } from './url.js';

export interface StreamEntry {
  id: string;
  payload: string | undefined;
  host: string | undefined;
}

export interface ConsumerStats {
  read: number;
  /** Entries taken over from another consumer's pending list (XAUTOCLAIM). */
  claimed: number;
  /** Acknowledgements that removed an entry from the group's pending list (a second ack of one entry counts 0). */
  acked: number;
  reconnects: number;
}

export const DEFAULT_CLAIM_IDLE_MS = 30_000;
const ACK_BATCH = 128;

/**
 * Reads one stream. With a group: XREADGROUP, at-least-once — an entry stays pending until `ack`, and
 * a dead consumer's pending entries idle longer than `claimIdleMs` are claimed (XAUTOCLAIM). Without a
 * group: XRANGE from `from` to `to`. Either stops at the stream's last id as it was at start, or
 * with `follow` keeps reading new entries until the signal aborts.
 */
export class StreamConsumer {
  readonly stats: ConsumerStats = { read: 0, claimed: 0, acked: 0, reconnects: 0 };
  readonly group: string | undefined;
  readonly consumer: string;
  private readonly acks: string[] = [];
  private ackTimer: NodeJS.Timeout | undefined;
  private acking = Promise.resolve();

  private constructor(
    readonly url: StreamUrl,
    /** Blocking reads hold their connection: commands (acks, claims) go over a second one. */
    private readonly reader: StreamClient,
    private readonly control: StreamClient,
  ) {
    this.group = url.options.group;
    this.consumer = url.options.consumer ?? `${hostname()}-${process.pid}`;
  }

  /**
   * Connects (both connections). A refused connection, or a Redis that does not answer within `waitMs`,
   * is bad input naming the URL, at once: a reader is started by hand or by a supervisor that restarts
   * it, so waiting out reconnects would only hide the mistake. Once connected, it rides out outages.
   */
  static async open(url: StreamUrl, waitMs = 5000): Promise<StreamConsumer> {
    const stats = { reconnects: 0 };
    const events = { onReconnecting: () => void stats.reconnects++ };
    const mode = { offlineQueue: true, failFirst: true };
    const c = new StreamConsumer(url, streamClient(url, events, mode), streamClient(url, events, mode));
    const drop = (): void => [c.reader, c.control].forEach((x) => x.isOpen && x.destroy());
    const [a, b] = await Promise.all([connectWithin(c.reader, waitMs), connectWithin(c.control, waitMs)]);
    const why = a ?? b;
    if (why) {
      drop();
      throw new InputError(`${url.shown}: cannot connect to Redis at ${url.host}:${url.port}${url.tls ? ' (TLS)' : ''}: ${why.message}`);
    }
    await refuseCluster(c.control, url.shown).catch((err: unknown) => {
      drop();
      throw err;
    });
    Object.defineProperty(c.stats, 'reconnects', { get: () => stats.reconnects, enumerable: true });
    return c;
  }

  /** Entries a batch at a time; ends at the stream's end as of the start (unless following) or when `signal` aborts. */
  batches(signal?: AbortSignal): AsyncGenerator<StreamEntry[]> {
    const o = this.url.options;
    const count = (n: number, claimed: boolean): void => {
      this.stats.read += n;
      if (claimed) this.stats.claimed += n;
    };
    if (!this.group) return rangeEntries(this.reader, this.url.stream, { from: o.from, to: o.to, follow: o.follow, signal, onRead: (n) => count(n, false) });
    const g: GroupReader = { reader: this.reader, control: this.control, stream: this.url.stream, group: this.group, consumer: this.consumer };
    return groupEntries(g, { from: o.from, follow: o.follow, claimIdleMs: o.claimIdleMs ?? DEFAULT_CLAIM_IDLE_MS, signal, onRead: count });
  }

  /** Acknowledges an entry once it has been handled (sent in batches; `close` sends the rest). */
  ack(id: string): void {
    if (!this.group) return;
    this.acks.push(id);
    if (this.acks.length >= ACK_BATCH) this.flushAcks();
    else this.ackTimer ??= setTimeout(() => this.flushAcks(), 20);
  }

  private flushAcks(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    const ids = this.acks.splice(0);
    if (!ids.length || !this.group) return;
    const group = this.group;
    // An ack that fails (Redis down) leaves the entry pending: it is delivered again, never lost.
    this.acking = this.acking.then(() => this.control.xAck(this.url.stream, group, ids).then((n) => void (this.stats.acked += n), () => undefined));
  }

  private closing: Promise<void> | undefined;

  /** Sends the acknowledgements still batched and disconnects; idempotent. */
  close(): Promise<void> {
    return (this.closing ??= this.disconnect());
  }

  private async disconnect(): Promise<void> {
    this.flushAcks();
    await this.acking;
    for (const c of [this.reader, this.control]) {
      if (c.isReady) await c.close().catch(() => c.destroy());
      else if (c.isOpen) c.destroy();
    }
  }
}

/** An entry as node-redis gives it: id and a field map. */
export function entryOf(m: { id: string; message: Record<string, string> }): StreamEntry {
  return { id: m.id, payload: m.message[FIELD_EXCHANGE], host: m.message[FIELD_HOST] };
}
