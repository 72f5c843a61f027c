import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { constants, type Gzip } from 'node:zlib';

const BATCH_BYTES = 64 * 1024;
const FLUSH_AFTER_MS = 100;

/**
 * Flushes a writer's queued lines at most 100 ms after the first of them: slow producers (a live capture,
 * the recording proxy) still reach the disk promptly. Shared by LineBatcher and CaptureWriter.
 */
export class FlushTimer {
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly flush: () => Promise<void>) {}

  arm(): void {
    this.timer ??= setTimeout(() => void this.flush().catch(() => {}), FLUSH_AFTER_MS).unref();
  }

  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * A gzip stream keeps what it is given until its block fills, which for a slow producer (the recording
 * proxy) can be every exchange of the run: a kill then leaves a 10-byte file. What went in is sync-flushed
 * at most 100 ms later, as a plain file's lines reach the OS. A sync flush keeps the dictionary (a full
 * flush would not, and the file would compress worse); at most ten a second cost nothing measurable on
 * a bulk capture (numbers in CaptureWriter).
 */
export class GzipSync {
  private readonly timer = new FlushTimer(() => this.now());
  constructor(private readonly gz: Gzip) {}

  /** Bytes went into the stream. */
  written(): void {
    this.timer.arm();
  }

  now(): Promise<void> {
    this.timer.disarm();
    return new Promise((resolve) => this.gz.flush(constants.Z_SYNC_FLUSH, () => resolve()));
  }
}

/**
 * Joins small writes into ~64 KiB ones: a write per exchange costs more than building the exchange
 * (measured on `capture --read`: ~1.4 s of 3 s in stream writes). Only whole lines are queued, so a
 * crash loses at most the last 100 ms and never tears a line in the middle of a batch.
 */
export class LineBatcher {
  private parts: string[] = [];
  private size = 0;
  private readonly timer = new FlushTimer(() => this.flush());

  constructor(private readonly out: Writable) {}

  /** Queues a whole line (or lines) without waiting; true when a batch is full and should be flushed. */
  add(text: string): boolean {
    this.parts.push(text);
    this.size += text.length;
    this.timer.arm();
    return this.size >= BATCH_BYTES;
  }

  async push(text: string): Promise<void> {
    if (this.add(text)) await this.flush();
  }

  async flush(): Promise<void> {
    this.timer.disarm();
    if (this.size === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}
