import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import type { ShardJob, ShardMessage } from './cat-shard-worker.js';
import type { PrintFormat } from './print.js';
import type { RedactPolicy } from '../stages/redact/index.js';

/**
 * Parallel `cat` of a large capture file. Each worker reads the whole file and runs the same TCP
 * reassembly (cheap: a fifth of the work), but parses HTTP and formats entries only for its share of the
 * flows (the rest). Merging the shards by emit key gives exactly the single-thread output, in order.
 */

/** Below this a worker's start-up (~40 ms) costs more than it saves. */
const MIN_PARALLEL_BYTES = 16 << 20;
/** Each shard reads the whole file and holds its own heap: past 4 the reading repeats more than it splits. */
const MAX_SHARDS = 4;
/**
 * The repeated reading costs ~40% of one thread's work per shard: with 2 cores, 2 shards took 50% more CPU
 * for the same wall time as one thread (83 MB capture), so sharding wants at least 4 cores.
 */
const MIN_CORES = 4;

/**
 * How `cat` reads a pcap: 'one' thread; a 'reader' thread (capture/thread: it reads and reassembles, this
 * thread parses and prints); or `shards` workers, each reading the whole file and parsing a share of the
 * flows. --threads: 1 is one thread, 2 a reader thread, 3 and more that many shards; 0 chooses by size and
 * cores. Stdin and pipes: one thread.
 *
 * Auto never picks the reader thread: on the 2-core machine of the issue 2 bench (78 MB capture, medians
 * of 15) it took 0.47 s against 0.44 s for one thread, 0.56 s for 2 shards, with +0.12 s CPU and +15 MB:
 * a single-threaded run already keeps the second core ~30% busy (V8's GC and compiler threads), the
 * reader's start-up (~35 ms) leaves the main thread waiting, and the main thread's own work ran ~10%
 * slower beside it. It is there for --threads 2, which it serves better than 2 shards did.
 */
export type CatPlan = { mode: 'one' } | { mode: 'reader' } | { mode: 'shards'; shards: number };

export function catPlan(path: string, threads?: number): CatPlan {
  if (path === '-') return { mode: 'one' };
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) return { mode: 'one' }; // a pipe can be read once, by one reader
  if (threads !== undefined && threads > 0) return threads === 1 ? { mode: 'one' } : threads === 2 ? { mode: 'reader' } : { mode: 'shards', shards: threads };
  const cores = availableParallelism();
  return cores >= MIN_CORES && st.size >= MIN_PARALLEL_BYTES ? { mode: 'shards', shards: Math.min(cores, MAX_SHARDS) } : { mode: 'one' };
}

interface ShardState {
  worker: Worker;
  batches: { keys: number[]; texts: string[]; at: number }[];
  watermark: number;
  done: boolean;
}

/** The entries of `path` as `format` prints them, in batches, read by `count` worker threads. */
export async function* shardedEntries(path: string, format: PrintFormat, count: number, onWarning: (m: string) => void, redaction: RedactPolicy): AsyncGenerator<string[]> {
  const taken = new Int32Array(new SharedArrayBuffer(4 * count));
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const shards: ShardState[] = [];
  for (let index = 0; index < count; index++) {
    const job: ShardJob = { path, shard: { index, count }, format, redaction, taken: taken.buffer as SharedArrayBuffer };
    const state: ShardState = { worker: new Worker(new URL('./cat-shard-worker.js', import.meta.url), { workerData: job }), batches: [], watermark: -1, done: false };
    state.worker.on('message', (m: ShardMessage) => {
      if ('keys' in m) {
        if (m.keys.length > 0) state.batches.push({ keys: m.keys, texts: m.texts, at: 0 });
        else release(taken, index);
        state.watermark = m.watermark;
      } else if ('warning' in m) onWarning(m.warning);
      else if ('done' in m) state.done = true;
      else failure ??= m.error.name === 'InputError' ? new InputError(m.error.message) : new Error(m.error.message);
      wake?.();
    });
    state.worker.on('error', (err) => {
      failure ??= err;
      wake?.();
    });
    state.worker.on('exit', (code) => {
      if (!state.done) failure ??= new Error(`capture reader thread ${index} exited (code ${code}) before the end of ${path}`);
      wake?.();
    });
    shards.push(state);
  }
  try {
    for (;;) {
      if (failure) throw failure;
      const out = merge(shards, taken);
      if (out.length > 0) yield out;
      else if (shards.every((s) => s.done && s.batches.length === 0)) return;
      else await new Promise<void>((r) => (wake = r));
    }
  } finally {
    for (const s of shards) void s.worker.terminate();
  }
}

/** Takes, in key order, every entry no shard can still precede. */
function merge(shards: ShardState[], taken: Int32Array): string[] {
  let limit = Infinity;
  for (const s of shards) if (!s.done && s.watermark < limit) limit = s.watermark;
  const out: string[] = [];
  for (;;) {
    let best: ShardState | undefined;
    let bestKey = limit;
    for (const s of shards) {
      const b = s.batches[0];
      if (b && b.keys[b.at]! <= bestKey) [best, bestKey] = [s, b.keys[b.at]!];
    }
    if (!best) return out;
    const b = best.batches[0]!;
    out.push(b.texts[b.at]!);
    if (++b.at === b.keys.length) {
      best.batches.shift();
      release(taken, shards.indexOf(best));
    }
  }
}

/** A shard's batch is taken: it may send another. */
function release(taken: Int32Array, shard: number): void {
  Atomics.add(taken, shard, 1);
  Atomics.notify(taken, shard);
}
