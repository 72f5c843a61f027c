// One shard of a parallel `cat` (see cat-shards.ts): reads the whole capture, parses the HTTP of its flows,
// formats their entries and hands them to the main thread with their emit keys.
import { parentPort, workerData } from 'node:worker_threads';
import { keyedBatchesFromPcapFile, type Shard } from '../capture/input-file.js';
import { entryText, type PrintFormat } from './print.js';
import { createRedactor, type RedactPolicy } from '../stages/redact/index.js';

export interface ShardJob {
  path: string;
  shard: Shard;
  format: PrintFormat;
  /** The main thread's policy and key: equal secrets hash equal whichever shard prints them. */
  redaction: RedactPolicy;
  /** Int32 per shard: batches the main thread has taken. A shard stays at most MAX_AHEAD batches ahead. */
  taken: SharedArrayBuffer;
}

export type ShardMessage =
  | { keys: number[]; texts: string[]; watermark: number }
  | { warning: string }
  | { done: true }
  | { error: { name: string; message: string } };

const MAX_AHEAD = 16;
const job = workerData as ShardJob;
const port = parentPort!;
const taken = new Int32Array(job.taken);
const me = job.shard.index;
const post = (m: ShardMessage): void => port.postMessage(m);
const key = job.redaction.key;
// A Buffer arrives as a plain Uint8Array.
const redact = createRedactor(key ? { ...job.redaction, key: { ...key, bytes: Buffer.from(key.bytes) } } : job.redaction);

try {
  // Every shard reads the same bytes: one reports the capture's warnings for all.
  const onWarning = me === 0 ? (warning: string) => post({ warning }) : undefined;
  let sent = 0;
  for await (const b of keyedBatchesFromPcapFile(job.path, { shard: job.shard, summary: job.format === 'tsv', onWarning })) {
    const texts = b.exchanges.map((ex) => entryText(redact(ex), job.format));
    // Blocking is fine here: this thread has nothing else to do, and the main thread merges meanwhile.
    for (let t = Atomics.load(taken, me); sent - t >= MAX_AHEAD; t = Atomics.load(taken, me)) Atomics.wait(taken, me, t, 1000);
    post({ keys: b.keys, texts, watermark: b.watermark });
    sent++;
  }
  post({ done: true });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ error: { name: e.name, message: e.message } });
}
