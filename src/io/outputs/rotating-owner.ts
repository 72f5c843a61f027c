import type { SinkLog } from '../sink.js';
import { recoverPartials } from './rotating-files.js';
import { DirLock } from './rotating-lock.js';

/**
 * A rotating sink's hold on its directory: nothing there is recovered, written or deleted before the
 * lock is taken (rotating-lock.ts), and what a crash left is recovered once, right after.
 */
export class FilesOwner {
  private lock: DirLock | undefined;
  private recovered = false;

  constructor(private readonly o: { dir: string; prefix: string; gzip: boolean; log: SinkLog }) {}

  get ready(): boolean {
    return this.recovered;
  }

  /** Takes the lock (DirBusy names a live owner; a disk that cannot hold it throws its own error). */
  async take(): Promise<void> {
    this.lock ??= await DirLock.take(this.o.dir, this.o.prefix);
  }

  /** Takes the lock if that failed before, and recovers the partial files a crash left, once. */
  async takeAndRecover(): Promise<void> {
    await this.take();
    if (this.recovered) return;
    this.recovered = true;
    const files = await recoverPartials(this.o.dir, this.o.prefix, this.o.gzip).catch((err: Error) => {
      this.o.log('warn', 'could not recover partial capture files', { reason: err.message });
      return [];
    });
    if (files.length) this.o.log('warn', 'recovered capture files left by an unclean stop (cut to their last complete line)', { files });
  }

  get held(): boolean {
    return this.lock !== undefined;
  }

  async release(): Promise<void> {
    await this.lock?.release();
  }
}
