import type { Connection } from '../../exchange.js';
import { HalfStream, type Budget } from './half-stream.js';
import type { CaptureStats, EndReason, SinkFactory, TcpStreamSink } from './stream-sink.js';

/** One TCP connection: the client's and the server's half, and the sink their bytes go to. */
export class Flow {
  readonly request: HalfStream;
  readonly response: HalfStream;
  readonly sink: TcpStreamSink;
  /** Set once the sink has been ended; the entry lingers to absorb late packets (TIME_WAIT). */
  ended = false;
  lastTsUs: number;
  /** When a RST was seen; the flow ends at the next sweep. */
  resetAtUs: number | undefined;

  constructor(
    readonly id: string,
    readonly hash: number,
    /** Client then server address as big-endian words (flow-table.ts addressWords), 1 or 4 each. */
    readonly clientAddr: Uint32Array,
    readonly serverAddr: Uint32Array,
    readonly clientPort: number,
    readonly serverPort: number,
    /** The tunnel the flow's packets come out of (Segment.zone), 0 for none. */
    readonly zone: number,
    connection: Connection,
    makeSink: SinkFactory,
    stats: CaptureStats,
    budget: Budget,
    tsUs: number,
  ) {
    this.sink = makeSink({ id, connection });
    this.request = new HalfStream('request', this.sink, stats, budget);
    this.response = new HalfStream('response', this.sink, stats, budget);
    this.lastTsUs = tsUs;
  }

  /** Delivers what is held (gaps before it) unless `discard`, then ends the sink exactly once. */
  end(reason: EndReason, tsUs: number, discard = false): void {
    if (this.ended) return;
    this.ended = true;
    for (const half of [this.request, this.response]) {
      if (discard) half.release();
      else half.flush(tsUs);
    }
    this.sink.end(reason, tsUs);
  }

  /** Waiting for bytes the peer acknowledged (see HalfStream.settle); the sweep settles them when the flow goes quiet. */
  get holding(): boolean {
    return this.request.holding || this.response.holding;
  }

  /** Settles the acknowledged holes at `tsUs`: true when that closed both halves. */
  settle(tsUs: number): boolean {
    this.request.settle(tsUs);
    this.response.settle(tsUs);
    return this.bothClosed;
  }

  get bothClosed(): boolean {
    return this.request.closed && this.response.closed;
  }
}
