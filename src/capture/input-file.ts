import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Exchange, ExchangeSource } from '../exchange.js';
import { createHttpSink } from './http/index.js';
import { CapturePipeline, type CaptureLimits } from './pipeline.js';
import { readPackets, type ReaderState } from './pcap/reader.js';
import { newCaptureStats, type CaptureStats } from './tcp/stream-sink.js';

export interface PcapInputOptions {
  onWarning?: ((message: string) => void) | undefined;
  /** Server ports (--port); empty: every TCP flow is tried as HTTP. */
  ports?: readonly number[];
  /** Body bytes kept per message (default 1 MiB). */
  maxBodyBytes?: number;
  /** Filled in as the capture is read; final when the iteration ends. */
  stats?: CaptureStats;
  reader?: ReaderState;
  limits?: Partial<CaptureLimits>;
  source?: ExchangeSource;
}

export const DEFAULT_MAX_BODY = 1 << 20;

/** The exchanges in a pcap/pcapng file, or in stdin for "-", streamed. */
export function exchangesFromPcapFile(path: string, opts: PcapInputOptions = {}): AsyncIterable<Exchange> {
  const input: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  const name = path === '-' ? 'stdin' : path;
  return exchangesFromPcapStream(input, name, { source: { capture: name, kind: 'pcap' }, ...opts });
}

/** The exchanges in a pcap/pcapng byte stream (a file, stdin, tcpdump's stdout). */
export async function* exchangesFromPcapStream(input: Readable, name: string, opts: PcapInputOptions = {}): AsyncGenerator<Exchange> {
  const stats = opts.stats ?? newCaptureStats();
  const queue = new ExchangeQueue();
  const httpOpts = { maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY, stats, ...(opts.source ? { source: opts.source } : {}) };
  const pipeline = new CapturePipeline({
    stats,
    ...(opts.ports ? { ports: opts.ports } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    sinkFactory: (flow) => createHttpSink(flow, httpOpts, queue.push),
    onWarning: opts.onWarning && ((m: string) => opts.onWarning!(`${name}: ${m}`)),
  });
  const readerOpts = { onWarning: opts.onWarning, state: opts.reader ?? { bytesRead: 0 } };
  for await (const _ of readPackets(input, name, pipeline.onPacket, readerOpts)) {
    if (queue.items.length > 0) yield* queue.take();
  }
  pipeline.finish();
  yield* queue.take();
}

/** Collects what sinks emit, for the async sources to hand out between chunks. */
export class ExchangeQueue {
  items: Exchange[] = [];
  readonly push = (ex: Exchange): void => {
    this.items.push(ex);
  };
  take(): Exchange[] {
    const out = this.items;
    this.items = [];
    return out;
  }
}
