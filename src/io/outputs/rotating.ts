import type { Buffer } from 'node:buffer';
import { access, constants } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { writeHarEntry } from '../../formats/har-line.js';
import { LineBytes } from '../../formats/line-bytes.js';
import { captureHeader } from '../../formats/capture-file.js';
import { REDACT_ALL, type RedactPolicy } from '../../stages/redact/index.js';
import { DropQueue } from '../../capture/proxy/drop-queue.js';
import type { OutputModule, Sink, SinkLog, SinkStats } from '../sink.js';
import { FileSeries } from './rotating-series.js';
import { FilesOwner } from './rotating-owner.js';
import { DirBusy } from './rotating-lock.js';
import { DEFAULT_ROTATION, type RotatingOptions, type RotatingStats } from './rotating-settings.js';
import { madeDir } from '../made-dir.js';

export { DEFAULT_ROTATION, type RotatingOptions, type RotatingStats, type RotationSettings } from './rotating-settings.js';

/** Bytes a blocking sink writes at once (or a 16th of its file size, if less): its source waits anyway. */
const BLOCKING_BATCH_BYTES = 1 << 20;
/** What a blocking sink's queue holds: only the hand-over to its write loop. */
const BLOCKING_QUEUE = 1024;

/** How long close() keeps writing what is queued; what is left then is counted as lost (systemd waits 90 s). */
export const STOP_DEADLINE_MS = 10_000;

/**
 * Capture files that rotate by size and time, stay under a total disk cap, and never block the caller:
 * `offer` (and the Sink's `write`) queues (or drops and counts), one loop writes batches. A failed write (full or unwritable disk)
 * truncates the file back to its last whole line, marks the sink degraded and drops what comes until a
 * retry succeeds, so a full disk costs data, never the agent or what is already written.
 */
export class RotatingFileSink implements Sink {
  readonly name: string;
  private queue: DropQueue<Exchange>;
  private readonly lines = new LineBytes();
  private readonly files: FileSeries;
  private lock: Promise<unknown> = Promise.resolve();
  private loop: Promise<void>;
  private timer: NodeJS.Timeout;
  /** Aborted by close(): a degraded sink stops waiting to retry, and what then fails is lost, not retried. */
  private stopping = new AbortController();
  private abandoned = false;
  private lostWhy: string | undefined;
  /** Blocking mode: the write that failed; every later write rejects with it. */
  private failure: Error | undefined;
  /** Blocking mode: the batch being written while the next is made. */
  private writing: Promise<void> = Promise.resolve();
  /** Blocking mode: writers waiting for the queue to have room. */
  private rooms: (() => void)[] = [];
  /** Nothing in the directory is touched (recovered, written, deleted) before it is taken. */
  private readonly owner: FilesOwner;
  /**
   * Resolves once the files are this sink's; rejects (DirBusy, exit 2) when another live process writes
   * them. The agent waits for it before it starts capturing; a disk that cannot take the lock (full,
   * read-only) rejects it only in blocking mode: the agent's writes then take it first, and degrade.
   */
  readonly owned: Promise<void>;
  readonly counts: RotatingStats = { written: 0, dropped: 0, droppedDisk: 0, filesFinished: 0, filesDeleted: 0, currentBytes: 0, degraded: false, lostAtStop: 0 };

  constructor(private readonly o: RotatingOptions) {
    this.name = `${o.dir}/${o.prefix}-*`;
    // Blocking, the queue is only the hand-over to the write loop: a short one keeps exchanges young (a full
    // 50k queue of a file read at disk speed doubled the command's time, most of it in old-space GC).
    this.queue = new DropQueue(o.blocking ? Math.min(o.queueCapacity, BLOCKING_QUEUE) : o.queueCapacity);
    // The header records the redaction the pump's stage applied before write().
    const policy: RedactPolicy = o.header.redaction ?? REDACT_ALL;
    const headerLine = (): string => JSON.stringify({ _shadowtap: captureHeader(o.header.source, policy) }) + '\n';
    this.files = new FileSeries({ dir: o.dir, prefix: o.prefix, gzip: o.gzip, maxTotalBytes: o.maxTotalBytes, headerLine, log: o.log }, this.counts);
    // Looked at ten times a period (at most each second): a file lasts at most a tenth longer than it should.
    this.timer = setInterval(() => {
      if (this.files.open && Date.now() - this.files.openedAt >= o.rotateEveryMs) void this.rotate();
    }, Math.min(1000, Math.max(50, o.rotateEveryMs / 10)));
    this.timer.unref();
    this.owner = new FilesOwner(o);
    this.owned = this.own();
    this.owned.catch(() => undefined); // a caller that does not wait still gets it from close()
    this.loop = this.run();
  }

  /** Never waits (unless `blocking`): what the queue cannot take is dropped and counted (a full disk costs data, not the source). */
  write(batch: readonly Exchange[]): Promise<void> {
    if (this.o.blocking) return this.put(batch);
    for (const ex of batch) this.queue.offer(ex);
    this.counts.dropped = this.queue.dropped;
    return Promise.resolve();
  }

  private async put(batch: readonly Exchange[]): Promise<void> {
    for (const ex of batch) {
      while (this.failure === undefined && this.queue.size >= this.queue.capacity) await new Promise<void>((r) => this.rooms.push(r));
      if (this.failure) throw this.failure;
      this.queue.offer(ex);
    }
  }

  private roomMade(): void {
    const waiting = this.rooms;
    this.rooms = [];
    for (const r of waiting) r();
  }

  /** The loop writes as soon as it can; there is nothing held back to push. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  stats(): RotatingStats & SinkStats {
    return { ...this.counts };
  }

  /** Runs `fn` with the file to itself: writes and rotations never interleave. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn, fn);
    this.lock = next.catch(() => undefined);
    return next;
  }

  private async own(): Promise<void> {
    try {
      await this.owner.take();
    } catch (err) {
      if (err instanceof DirBusy || this.o.blocking) throw err;
      // The disk cannot hold even the lock (full, read-only): degraded now, as a failed write would make it.
      this.degrade(err as Error);
    }
  }

  private async run(): Promise<void> {
    try {
      await this.owned;
      if (this.owner.held) await this.owner.takeAndRecover();
    } catch (err) {
      // Another process writes these files: nothing is written, and the writers learn why.
      this.failure ??= err as Error;
      this.abandoned = true;
    }
    for await (const first of this.queue) {
      if (this.abandoned) {
        this.counts.lostAtStop += 1 + this.queue.drainSync(Infinity).length;
        continue;
      }
      const batch = this.batchFrom(first);
      this.roomMade();
      const bufs = this.lines.take();
      // Taken now: every buffer retired so far is written once this batch is (appends run in order).
      const retired = this.lines.retired();
      const appended = this.exclusive(async () => {
        const ok = await this.append(bufs, batch.length);
        if (ok && this.files.size >= this.o.maxFileBytes) this.files.finish();
        return ok;
      });
      // Written (or given up on): their buffers are free to fill again.
      const done = appended.then((ok) => (this.lines.reuse(retired), ok));
      if (this.o.blocking) {
        // One write in flight while the next batch is made: a source read at disk speed waits on neither alone.
        await this.writing;
        this.writing = done.then((ok) => void (ok || this.fail()));
      } else if (!(await done)) await this.retryWait();
    }
    await this.writing;
  }

  /** A degraded sink waits `retryMs` before writing again; once stopping, it gives up instead. */
  private async retryWait(): Promise<void> {
    if (!this.stopping.signal.aborted) await sleep(this.o.retryMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    if (this.stopping.signal.aborted) this.abandon('the disk still fails at stop');
  }

  /** Blocking mode: the first failed write ends the writing; what is queued is lost with it, and counted. */
  private fail(): void {
    // The file is named as it stays: close() still gives it its final name, with every whole line written.
    this.failure ??= new Error(`cannot write ${this.files.finalPath}: ${this.counts.degradedReason}`);
    this.abandoned = true;
    this.counts.droppedDisk += this.queue.drainSync(Infinity).length;
    this.roomMade();
  }

  private abandon(why: string): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.lostWhy = why;
    const lost = this.queue.drainSync(Infinity).length;
    this.counts.lostAtStop += lost;
    this.o.log('error', 'stopping: capture files not written, counted as lost', { reason: why, lost });
  }

  /**
   * Takes queued exchanges after `first`, writing their capture lines as the capture file writes them
   * (formats/line-bytes.ts). The agent's batches are small (64): serializing is synchronous, and the proxy
   * source shares this event loop. A blocking sink's are ~1 MB, one write call each, and at most a 16th of
   * a file, which is how far a file may outgrow --rotate-size (it rotates after the batch that crossed it).
   */
  private batchFrom(first: Exchange): Exchange[] {
    const batch = [first];
    const maxCount = this.o.blocking ? Infinity : 64;
    const maxBytes = this.o.blocking ? Math.min(BLOCKING_BATCH_BYTES, this.o.maxFileBytes / 16) : Infinity;
    for (let ex: Exchange | undefined = first; ex !== undefined; ex = batch.length < maxCount && this.lines.pending < maxBytes ? this.queue.poll() : undefined) {
      if (ex !== first) batch.push(ex);
      try {
        writeHarEntry(ex, this.lines);
      } catch (err) {
        this.lines.dropLine(); // no torn line left behind
        throw err;
      }
      this.lines.endLine();
    }
    return batch;
  }

  private async append(bufs: readonly Buffer[], n: number): Promise<boolean> {
    try {
      // A directory not taken at start (the disk could not hold the lock) is taken before the first write.
      if (!this.owner.ready) await this.owner.takeAndRecover();
      await this.files.append(bufs);
      this.counts.written += n;
      if (this.counts.degraded) this.o.log('info', 'capture files writable again; resuming', { file: this.counts.currentFile });
      this.counts.degraded = false;
      delete this.counts.degradedReason;
      return true;
    } catch (err) {
      this.counts.droppedDisk += n;
      this.degrade(err as Error);
      return false;
    }
  }

  private degrade(err: Error): void {
    const { code = 'error', message } = err as NodeJS.ErrnoException;
    const reason = message.startsWith(code) ? message : `${code}: ${message}`;
    if (!this.counts.degraded && !this.o.blocking) this.o.log('error', 'cannot write capture file; degraded, dropping until it works again', { reason, file: this.counts.currentFile });
    this.counts.degraded = true;
    this.counts.degradedReason = reason;
  }

  /** Ends the current file and gives it its final name (gzip in the background). No-op when nothing is open. */
  rotate(): Promise<void> {
    return this.exclusive(async () => this.files.finish());
  }

  /**
   * Writes what is queued, rotates the last file to its final name, waits for compression. Bounded: a
   * disk that still fails, or writing that outlasts `deadlineMs`, ends the writing and the rest is counted
   * in `lostAtStop`.
   */
  async close(deadlineMs = STOP_DEADLINE_MS): Promise<void> {
    clearInterval(this.timer);
    this.queue.close();
    this.stopping.abort();
    const deadline = setTimeout(() => this.abandon(`stop deadline (${deadlineMs} ms) passed`), deadlineMs);
    await this.loop;
    clearTimeout(deadline);
    await this.rotate();
    await this.files.finished();
    await this.owner.release();
    // Blocking mode loses nothing silently: what the stop deadline cut off fails the command too.
    if (this.o.blocking && this.counts.lostAtStop > 0) this.failure ??= new Error(`${this.counts.lostAtStop} exchanges not written to ${this.o.dir}: ${this.lostWhy ?? 'stopped'}`);
    // Blocking mode: a batch whose write had resolved (queued) and then failed on disk fails the command.
    if (this.failure) throw this.failure;
  }
}

async function writableDir(dir: string): Promise<void> {
  try {
    await madeDir(dir);
    await access(dir, constants.W_OK);
  } catch (err) {
    throw new InputError(`${dir}: cannot write rotating files there (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** `rotating` output: the target is the directory; `SinkOptions.rotation` overrides DEFAULT_ROTATION. */
export const output: OutputModule = {
  open: async (dir, opts) => {
    // A command's files (blocking) must be writable before it starts: `record` refuses to listen, and
    // `capture` to read, rather than find out at the first write. The agent reports a disk that fails.
    if (opts.rotation?.blocking) await writableDir(dir);
    const log: SinkLog = opts.log ?? ((level, msg, extra) => opts.onWarning?.(`${level}: ${msg}${extra ? ` ${JSON.stringify(extra)}` : ''}`));
    const sink = new RotatingFileSink({ ...DEFAULT_ROTATION, ...opts.rotation, dir, header: { ...(opts.origin ? { source: opts.origin } : {}), redaction: opts.redaction }, log });
    // A directory another process writes refuses the command before it reads anything.
    await sink.owned.catch(async (err: unknown) => {
      await sink.close().catch(() => undefined);
      throw err;
    });
    return sink;
  },
};
