import { Buffer } from 'node:buffer';
import { open, mkdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange } from '../../exchange.js';
import { writeHarEntry } from '../../formats/har-line.js';
import { LineBytes } from '../../formats/line-bytes.js';
import { captureHeader, type OutputHeader } from '../../formats/capture-file.js';
import { REDACT_ALL, type RedactPolicy } from '../../stages/redact/index.js';
import { DropQueue } from '../../capture/proxy/drop-queue.js';
import type { OutputModule, Sink, SinkLog, SinkStats } from '../sink.js';
import { enforceCap, finalize, partialName, recoverPartials, stamp } from './rotating-files.js';

/** How the files rotate and how much they may hold; agent.yaml `files:` or SinkOptions.rotation. */
export interface RotationSettings {
  prefix: string;
  maxFileBytes: number;
  rotateEveryMs: number;
  gzip: boolean;
  maxTotalBytes: number;
  queueCapacity: number;
  /** How often a degraded sink tries to write again. */
  retryMs: number;
}

export const DEFAULT_ROTATION: RotationSettings = { prefix: 'capture', maxFileBytes: 100 * 1024 ** 2, rotateEveryMs: 3_600_000, gzip: true, maxTotalBytes: 10 * 1024 ** 3, queueCapacity: 50_000, retryMs: 5000 };

export interface RotatingOptions extends RotationSettings {
  dir: string;
  header: OutputHeader;
  log: SinkLog;
}

export interface RotatingStats {
  written: number;
  dropped: number;
  droppedDisk: number;
  filesFinished: number;
  filesDeleted: number;
  currentFile?: string;
  currentBytes: number;
  degraded: boolean;
  degradedReason?: string;
  /** Exchanges still queued at stop that could not be written: the disk failed then, or the stop deadline passed. */
  lostAtStop: number;
}

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
  private fh: FileHandle | undefined;
  private current: string | undefined;
  private size = 0;
  private seq = 0;
  private openedAt = 0;
  private lock: Promise<unknown> = Promise.resolve();
  private finalizing = new Set<Promise<unknown>>();
  private loop: Promise<void>;
  private timer: NodeJS.Timeout;
  /** What the file header records: the redaction the agent's stage applied before offer(). */
  private readonly policy: RedactPolicy;
  /** Aborted by close(): a degraded sink stops waiting to retry, and what then fails is lost, not retried. */
  private stopping = new AbortController();
  private abandoned = false;
  readonly counts: RotatingStats = { written: 0, dropped: 0, droppedDisk: 0, filesFinished: 0, filesDeleted: 0, currentBytes: 0, degraded: false, lostAtStop: 0 };

  constructor(private readonly o: RotatingOptions) {
    this.name = `${o.dir}/${o.prefix}-*`;
    this.queue = new DropQueue(o.queueCapacity);
    this.policy = o.header.redaction ?? REDACT_ALL;
    this.timer = setInterval(() => {
      if (this.fh && Date.now() - this.openedAt >= o.rotateEveryMs) void this.rotate();
    }, Math.min(1000, o.rotateEveryMs));
    this.timer.unref();
    this.loop = this.run();
  }

  /** Never waits: what the queue cannot take is dropped and counted (a full disk costs data, not the source). */
  write(batch: readonly Exchange[]): Promise<void> {
    for (const ex of batch) this.queue.offer(ex);
    this.counts.dropped = this.queue.dropped;
    return Promise.resolve();
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

  private async run(): Promise<void> {
    const recovered = await recoverPartials(this.o.dir, this.o.prefix, this.o.gzip).catch((err: Error) => {
      this.o.log('warn', 'could not recover partial capture files', { reason: err.message });
      return [];
    });
    if (recovered.length) this.o.log('warn', 'recovered capture files left by an unclean stop (cut to their last complete line)', { files: recovered });
    for await (const first of this.queue) {
      if (this.abandoned) {
        this.counts.lostAtStop += 1 + this.queue.drainSync(Infinity).length;
        continue;
      }
      // Small batches: serializing is synchronous, and the proxy source shares this event loop.
      const batch = [first, ...this.queue.drainSync(63)];
      const bufs = this.linesOf(batch);
      const ok = await this.exclusive(() => this.append(bufs, batch.length));
      // Written (or given up on): their buffers are free to fill again.
      this.lines.reuse(this.lines.retired());
      if (!ok) await this.retryWait();
      else if (this.size >= this.o.maxFileBytes) await this.rotate();
    }
  }

  /** A degraded sink waits `retryMs` before writing again; once stopping, it gives up instead. */
  private async retryWait(): Promise<void> {
    if (!this.stopping.signal.aborted) await sleep(this.o.retryMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    if (this.stopping.signal.aborted) this.abandon('the disk still fails at stop');
  }

  private abandon(why: string): void {
    if (this.abandoned) return;
    this.abandoned = true;
    const lost = this.queue.drainSync(Infinity).length;
    this.counts.lostAtStop += lost;
    this.o.log('error', 'stopping: capture files not written, counted as lost', { reason: why, lost });
  }

  /** The batch's capture lines as UTF-8 bytes, written as the capture file writes them (formats/line-bytes.ts). */
  private linesOf(batch: readonly Exchange[]): Buffer[] {
    for (const ex of batch) {
      try {
        writeHarEntry(ex, this.lines);
      } catch (err) {
        this.lines.dropLine(); // no torn line left behind
        throw err;
      }
      this.lines.endLine();
    }
    return this.lines.take();
  }

  private async append(bufs: readonly Buffer[], n: number): Promise<boolean> {
    const good = this.size;
    try {
      if (!this.fh) await this.openNext();
      let at = this.size;
      for (const buf of bufs) {
        let off = 0;
        while (off < buf.length) off += (await this.fh!.write(buf, off, buf.length - off, at + off)).bytesWritten;
        at += buf.length;
      }
      this.size = at;
      this.counts.written += n;
      this.counts.currentBytes = this.size;
      if (this.counts.degraded) this.o.log('info', 'capture files writable again; resuming', { file: this.current });
      this.counts.degraded = false;
      delete this.counts.degradedReason;
      return true;
    } catch (err) {
      this.counts.droppedDisk += n;
      // A partial write would leave half a line in the middle of the file: cut back to the last whole one.
      await this.fh?.truncate(good).catch(() => undefined);
      const reason = `${(err as NodeJS.ErrnoException).code ?? 'error'}: ${(err as Error).message}`;
      if (!this.counts.degraded) this.o.log('error', 'cannot write capture file; degraded, dropping until it works again', { reason, file: this.current });
      this.counts.degraded = true;
      this.counts.degradedReason = reason;
      return false;
    }
  }

  private async openNext(): Promise<void> {
    await mkdir(this.o.dir, { recursive: true, mode: 0o700 });
    let name: string;
    let path: string;
    let fh: FileHandle;
    for (;;) {
      name = partialName(this.o.prefix, stamp(), ++this.seq);
      path = join(this.o.dir, name);
      try {
        // 'wx': never truncate an existing file (a restart within the same second reuses stamps).
        fh = await open(path, 'wx', 0o600);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    try {
      await fh.chmod(0o600);
      const header = captureHeader(this.o.header.source, this.policy);
      const line = Buffer.from(JSON.stringify({ _shadowtap: header }) + '\n');
      await fh.write(line, 0, line.length, 0);
      this.size = line.length;
    } catch (err) {
      await fh.close();
      await unlink(path).catch(() => undefined); // a file without its header line would be unreadable
      throw err;
    }
    this.fh = fh;
    this.current = name;
    this.openedAt = Date.now();
    this.counts.currentFile = name;
  }

  /** Closes the current file and gives it its final name (gzip in the background). No-op when nothing is open. */
  rotate(): Promise<void> {
    return this.exclusive(async () => {
      const fh = this.fh;
      const name = this.current;
      if (!fh || !name) return;
      this.fh = undefined;
      this.current = undefined;
      delete this.counts.currentFile;
      this.counts.currentBytes = 0;
      this.size = 0;
      await fh.sync().catch(() => undefined);
      await fh.close();
      const job = finalize(this.o.dir, name, this.o.gzip)
        .then(async (path) => {
          this.counts.filesFinished++;
          this.o.log('info', 'capture file rotated', { path });
          const deleted = await enforceCap(this.o.dir, this.o.prefix, this.o.maxTotalBytes, this.size);
          this.counts.filesDeleted += deleted.length;
          if (deleted.length) this.o.log('info', 'disk cap reached; deleted oldest capture files', { deleted });
        })
        .catch((err: Error) => this.o.log('error', 'could not finalize capture file', { file: name, reason: err.message }));
      this.finalizing.add(job);
      void job.finally(() => this.finalizing.delete(job));
    });
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
    await Promise.all([...this.finalizing]);
  }
}

/** `rotating` output: the target is the directory; `SinkOptions.rotation` overrides DEFAULT_ROTATION. */
export const output: OutputModule = {
  open: async (dir, opts) => new RotatingFileSink({ ...DEFAULT_ROTATION, ...opts.rotation, dir, header: { ...(opts.origin ? { source: opts.origin } : {}), redaction: opts.redaction }, log: (level, msg, extra) => opts.onWarning?.(`${level}: ${msg}${extra ? ` ${JSON.stringify(extra)}` : ''}`) }),
};
