import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Exchange, ExchangeSource } from '../exchange.js';
import { createHttpSink, type HttpSinkOptions } from './http/index.js';
import { CapturePipeline, type CaptureLimits } from './pipeline.js';
import { fileChunks, READ_CHUNK } from './pcap/file-chunks.js';
import { readPackets, type ReaderState } from './pcap/reader.js';
import { startReaderThread, type ReaderThread } from './thread/reader-thread.js';
import { replayBatches } from './thread/replay.js';
import { newCaptureStats, type CaptureStats, type TcpStreamSink } from './tcp/stream-sink.js';

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
  /** Exchanges without headers, trailers or bodies (see HttpSinkOptions.summary). */
  summary?: boolean;
}

export interface PcapFileOptions extends PcapInputOptions {
  /**
   * Read, decode and reassemble in a worker thread (a regular file only; ignored for stdin and pipes),
   * parsing HTTP here: true starts it now, or pass the one startReaderThread() started earlier (with the
   * same path, ports and limits). Same exchanges, order, stats and warnings as one thread.
   */
  thread?: boolean | ReaderThread;
}

export const DEFAULT_MAX_BODY = 1 << 20;

/** The exchanges in a pcap/pcapng file, or in stdin for "-", streamed. */
export function exchangesFromPcapFile(path: string, opts: PcapFileOptions = {}): AsyncIterable<Exchange> {
  return flatten(exchangeBatchesFromPcapFile(path, opts));
}

/**
 * The same exchanges in batches, one per chunk read (128 KiB of capture). Consumers that can take a
 * batch at a time (cat, capture) skip a promise round trip per exchange, which costs more than parsing one.
 */
export function exchangeBatchesFromPcapFile(path: string, opts: PcapFileOptions = {}): AsyncIterable<Exchange[]> {
  const { thread, ...rest } = opts;
  if (thread && (typeof thread === 'object' || isFile(path))) {
    const reader = typeof thread === 'object' ? thread : startReaderThread(path, { ports: opts.ports, limits: opts.limits });
    return replayBatches(reader, { http: httpOptionsOf(opts, path), onWarning: opts.onWarning, reader: opts.reader });
  }
  return exchangesOf(keyedBatchesFromPcapFile(path, rest));
}

/** keyedBatchesFromPcapStream on a file, or stdin for "-". */
export function keyedBatchesFromPcapFile(path: string, opts: PcapInputOptions & { shard?: Shard } = {}): AsyncGenerator<KeyedBatch> {
  const input = path === '-' ? process.stdin : isFile(path) ? fileChunks(path, READ_CHUNK) : createReadStream(path, { highWaterMark: READ_CHUNK });
  const name = path === '-' ? 'stdin' : path;
  return keyedBatchesFromPcapStream(input, name, { source: { capture: name, kind: 'pcap' }, ...opts });
}

/** The exchanges in a pcap/pcapng byte stream (a file, stdin, tcpdump's stdout). */
export function exchangesFromPcapStream(input: Readable, name: string, opts: PcapInputOptions = {}): AsyncGenerator<Exchange> {
  return flatten(exchangeBatchesFromPcapStream(input, name, opts));
}

/** exchangesFromPcapStream in batches: never an empty one. */
export function exchangeBatchesFromPcapStream(input: Readable | Iterable<Buffer>, name: string, opts: PcapInputOptions = {}): AsyncGenerator<Exchange[]> {
  return exchangesOf(keyedBatchesFromPcapStream(input, name, opts));
}

async function* exchangesOf(batches: AsyncIterable<KeyedBatch>): AsyncGenerator<Exchange[]> {
  for await (const batch of batches) yield batch.exchanges;
}

/** Which flows a reader parses as HTTP: the n-th flow of the capture when n % count === index. */
export interface Shard {
  index: number;
  count: number;
}

/** Exchanges with the pipeline's emitKey at which each was emitted; every later one has a key above `watermark`. */
export interface KeyedBatch {
  exchanges: Exchange[];
  keys: number[];
  watermark: number;
}

/** A flow another shard parses: reassembled here too (flow numbering and limits stay those of one reader), never parsed. */
const IGNORED: TcpStreamSink = { data() {}, gap() {}, end() {} };

/**
 * The batches with emit keys, for the flows of `shard` (all by default). Every shard of a capture runs the
 * same reassembly, so merging the shards' exchanges by key gives exactly the single-reader order.
 */
export async function* keyedBatchesFromPcapStream(input: Readable | Iterable<Buffer>, name: string, opts: PcapInputOptions & { shard?: Shard } = {}): AsyncGenerator<KeyedBatch> {
  const httpOpts = httpOptionsOf(opts);
  const stats = httpOpts.stats;
  const shard = opts.shard ?? { index: 0, count: 1 };
  let batch: KeyedBatch = { exchanges: [], keys: [], watermark: 0 };
  const emit = (ex: Exchange): void => {
    batch.exchanges.push(ex);
    batch.keys.push(pipeline.emitKey);
  };
  const pipeline = new CapturePipeline({
    stats,
    ...(opts.ports ? { ports: opts.ports } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    sinkFactory: (flow) => (Number(flow.id) % shard.count === shard.index ? createHttpSink(flow, httpOpts, emit) : IGNORED),
    onWarning: opts.onWarning && ((m: string) => opts.onWarning!(`${name}: ${m}`)),
  });
  const take = (): KeyedBatch => {
    const out = batch;
    out.watermark = pipeline.emitKey;
    batch = { exchanges: [], keys: [], watermark: 0 };
    return out;
  };
  const readerOpts = { onWarning: opts.onWarning, state: opts.reader ?? { bytesRead: 0 } };
  for await (const _ of readPackets(input, name, pipeline.onPacket, readerOpts)) {
    if (batch.exchanges.length > 0 || shard.count > 1) yield take();
  }
  pipeline.finish();
  const last = take();
  last.watermark = Infinity;
  if (last.exchanges.length > 0 || shard.count > 1) yield last;
}

/** The HTTP layer's options; `path` gives the default source (a file read). */
function httpOptionsOf(opts: PcapInputOptions, path?: string): HttpSinkOptions {
  const source = opts.source ?? (path === undefined ? undefined : { capture: path, kind: 'pcap' as const });
  return { maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY, stats: opts.stats ?? newCaptureStats(), summary: opts.summary ?? false, ...(source ? { source } : {}) };
}

/** Regular files are read synchronously (fileChunks); pipes and FIFOs stream. A missing file fails in the reader, with its name. */
function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

async function* flatten<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}
