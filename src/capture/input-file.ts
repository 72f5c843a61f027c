import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Exchange, ExchangeSource } from '../exchange.js';
import { newBatch } from './batch.js';
import { createHttpSink, type HttpSinkOptions } from './http/index.js';
import { CapturePipeline, type CaptureLimits } from './pipeline.js';
import { fileChunks, READ_CHUNK } from './pcap/file-chunks.js';
import { readPackets, type ReaderState } from './pcap/reader.js';
import type { ReaderThread } from './thread/reader-thread.js';
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
    return threaded(path, thread, opts);
  }
  return batchesFromPcapFile(path, rest);
}

/** The reader thread's modules (and node:worker_threads, ~8 ms) load only when a thread is used. */
async function* threaded(path: string, thread: true | ReaderThread, opts: PcapFileOptions): AsyncGenerator<Exchange[]> {
  const [{ startReaderThread }, { replayBatches }] = await Promise.all([import('./thread/reader-thread.js'), import('./thread/replay.js')]);
  const reader = typeof thread === 'object' ? thread : startReaderThread(path, { ports: opts.ports, limits: opts.limits });
  yield* replayBatches(reader, { http: httpOptionsOf(opts, path), onWarning: opts.onWarning, reader: opts.reader });
}

/** exchangeBatchesFromPcapStream on a file, or stdin for "-". */
function batchesFromPcapFile(path: string, opts: PcapInputOptions): AsyncGenerator<Exchange[]> {
  const input = path === '-' ? process.stdin : isFile(path) ? fileChunks(path, READ_CHUNK) : createReadStream(path, { highWaterMark: READ_CHUNK });
  const name = path === '-' ? 'stdin' : path;
  return exchangeBatchesFromPcapStream(input, name, { source: { capture: name, kind: 'pcap' }, ...opts });
}

/** The exchanges in a pcap/pcapng byte stream (a file, stdin, tcpdump's stdout). */
export function exchangesFromPcapStream(input: Readable, name: string, opts: PcapInputOptions = {}): AsyncGenerator<Exchange> {
  return flatten(exchangeBatchesFromPcapStream(input, name, opts));
}

/** exchangesFromPcapStream in batches (one per chunk read): never an empty one. */
export async function* exchangeBatchesFromPcapStream(input: Readable | Iterable<Buffer>, name: string, opts: PcapInputOptions = {}): AsyncGenerator<Exchange[]> {
  const httpOpts = httpOptionsOf(opts);
  let batch = newBatch();
  const emit = (ex: Exchange): void => void batch.push(ex);
  const pipeline = new CapturePipeline({
    stats: httpOpts.stats,
    ...(opts.ports ? { ports: opts.ports } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    sinkFactory: (flow) => createHttpSink(flow, httpOpts, emit),
    onWarning: opts.onWarning && ((m: string) => opts.onWarning!(`${name}: ${m}`)),
  });
  const readerOpts = { onWarning: opts.onWarning, state: opts.reader ?? { bytesRead: 0 } };
  for await (const _ of readPackets(input, name, pipeline.onPacket, readerOpts)) {
    if (batch.length > 0) {
      yield batch;
      batch = newBatch();
    }
  }
  pipeline.finish();
  if (batch.length > 0) yield batch;
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
