import type { CaptureLimits } from '../pipeline.js';
import type { EndReason } from '../tcp/stream-sink.js';

/** What the reader thread is started with (workerData). */
export interface ReaderJob {
  path: string;
  /** The input's name in warnings and errors. */
  name: string;
  ports?: readonly number[] | undefined;
  limits?: Partial<CaptureLimits> | undefined;
  chunkBytes: number;
  /** The ring's bytes and its control words (see ring.ts). */
  data: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

/** End reasons by their number in an End record. */
export const END_REASONS: readonly EndReason[] = ['fin', 'rst', 'idle', 'eof', 'memory'];

