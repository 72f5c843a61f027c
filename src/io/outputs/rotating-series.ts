import { Buffer } from 'node:buffer';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { SinkLog } from '../sink.js';
import { madeDir } from '../made-dir.js';
import { enforceCap, finalName, finalize, partialName, stamp } from './rotating-files.js';

export interface SeriesOptions {
  dir: string;
  prefix: string;
  gzip: boolean;
  maxTotalBytes: number;
  /** Each file's first line (the capture header, with its newline). */
  headerLine: () => string;
  log: SinkLog;
}

/** What the series says of its files (the sink's counters, kept by reference). */
export interface SeriesCounts {
  filesFinished: number;
  filesDeleted: number;
  currentFile?: string;
  currentBytes: number;
}

/**
 * The files of one rotating output: the one being written (opened on first use with its header, taking
 * whole lines, cut back to the last whole one when a write fails) and the finished ones (synced, given
 * their final name, gzipped, counted against the disk cap, one after the other). The caller runs
 * `append` and `finish` one at a time (RotatingFileSink's lock).
 */
export class FileSeries {
  /** Bytes in the current file; 0 when none is open. */
  size = 0;
  openedAt = 0;
  private fh: FileHandle | undefined;
  private current: string | undefined;
  private seq = 0;
  /** Finished files are synced, named and capped one after the other, in order. */
  private finishing: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: SeriesOptions,
    private readonly counts: SeriesCounts,
  ) {}

  get open(): boolean {
    return this.fh !== undefined;
  }

  /** The current file as it will be named once finished (the directory when none is open). */
  get finalPath(): string {
    return this.current === undefined ? this.o.dir : join(this.o.dir, finalName(this.current, this.o.gzip));
  }

  /** Appends whole lines; on failure cuts the file back to its last whole line and rethrows. */
  async append(bufs: readonly Buffer[]): Promise<void> {
    let good = 0;
    try {
      if (!this.fh) await this.openNext();
      // After opening: a failed first batch leaves the file its header line (without it, unreadable).
      good = this.size;
      let at = this.size;
      for (const buf of bufs) {
        let off = 0;
        while (off < buf.length) off += (await this.fh!.write(buf, off, buf.length - off, at + off)).bytesWritten;
        at += buf.length;
      }
      this.size = at;
      this.counts.currentBytes = at;
    } catch (err) {
      // A partial write would leave half a line in the middle of the file.
      await this.fh?.truncate(good).catch(() => undefined);
      throw err;
    }
  }

  private async openNext(): Promise<void> {
    await madeDir(this.o.dir);
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
      const line = Buffer.from(this.o.headerLine());
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

  /**
   * Ends the current file (no-op when none is open). It is synced, closed and named in the background:
   * the next file takes writes meanwhile (an fsync of a 20 MB file held every write for tens of ms, a
   * quarter of a capture read from a file). In order: two caps enforced at once would both delete (and
   * count) the same oldest file.
   */
  finish(): void {
    const fh = this.fh;
    const name = this.current;
    if (!fh || !name) return;
    this.fh = undefined;
    this.current = undefined;
    delete this.counts.currentFile;
    this.counts.currentBytes = 0;
    this.size = 0;
    this.finishing = this.finishing
      .then(() => fh.sync())
      .catch(() => undefined)
      .then(() => fh.close())
      .then(() => finalize(this.o.dir, name, this.o.gzip))
      .then(async (path) => {
        this.counts.filesFinished++;
        this.o.log('info', 'capture file rotated', { path });
        const deleted = await enforceCap(this.o.dir, this.o.prefix, this.o.maxTotalBytes, this.size);
        this.counts.filesDeleted += deleted.length;
        if (deleted.length) this.o.log('info', 'disk cap reached; deleted oldest capture files', { deleted });
      })
      .catch((err: Error) => this.o.log('error', 'could not finalize capture file', { file: name, reason: err.message }));
  }

  /** Resolves once every finished file is named (and gzipped). */
  finished(): Promise<void> {
    return this.finishing;
  }
}
