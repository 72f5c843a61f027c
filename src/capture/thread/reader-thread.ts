import { Worker } from 'node:worker_threads';
import type { CaptureLimits } from '../pipeline.js';
import { READ_CHUNK } from '../pcap/file-chunks.js';
import type { ReaderJob } from './protocol.js';
import { CONTROL_WORDS, WRITE, CANCEL, READ, ringSize } from './ring.js';

/**
 * The reader thread of a capture file: started as early as possible (its start-up overlaps the main
 * thread loading its own modules), consumed by replayBatches (replay.ts) through exchangeBatchesFromPcapFile.
 * Kept free of heavy imports for that reason.
 */
export interface ReaderThreadOptions {
  ports?: readonly number[] | undefined;
  limits?: Partial<CaptureLimits> | undefined;
  /** Ring size (default 1 MiB; rounded up to a power of two, at least 64 KiB). */
  ringBytes?: number | undefined;
  chunkBytes?: number | undefined;
}

/** 1 MiB: 256 KiB to 4 MiB gave the same wall time on cat (78 MB); smaller rings stay in cache (-10 MB RSS against 4 MiB). */
export const DEFAULT_RING = 1 << 20;

export class ReaderThread {
  readonly data: SharedArrayBuffer;
  readonly control: Int32Array;
  readonly worker: Worker;
  /** An uncaught error in the thread (a bug, out of memory): no more records will come. */
  failure: Error | undefined;
  exited = false;
  /** Whose records these are: consumed once. */
  taken = false;

  constructor(
    readonly path: string,
    readonly opts: ReaderThreadOptions = {},
  ) {
    this.data = new SharedArrayBuffer(ringSize(opts.ringBytes ?? DEFAULT_RING));
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    this.control = new Int32Array(control);
    const job: ReaderJob = { path, name: path, ports: opts.ports, limits: opts.limits, chunkBytes: opts.chunkBytes ?? READ_CHUNK, data: this.data, control };
    this.worker = new Worker(new URL('./reader-worker.js', import.meta.url), { workerData: job });
    const wake = (): void => void Atomics.notify(this.control, WRITE);
    this.worker.on('error', (err) => {
      this.failure ??= err;
      wake();
    });
    this.worker.on('exit', () => {
      this.exited = true;
      wake();
    });
    // Only a consumer waiting for records keeps the process alive (replay.ts refs it then): a thread
    // started and never consumed (the command failed first) must not hold the process.
    this.worker.unref();
  }

  /** Stops the thread (the consumer is done, or gave up early). */
  close(): void {
    Atomics.store(this.control, CANCEL, 1);
    Atomics.notify(this.control, READ);
    if (!this.exited) void this.worker.terminate();
  }
}

/** Starts reading `path` (a regular file) in a worker thread; its records wait in the ring until consumed. */
export function startReaderThread(path: string, opts: ReaderThreadOptions = {}): ReaderThread {
  return new ReaderThread(path, opts);
}

