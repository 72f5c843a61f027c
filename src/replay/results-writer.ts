import type { WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { RequestResult } from './types.js';
import { privateWriteStream } from '../formats/private-file.js';

/**
 * `--results FILE`: one JSON line per request per target. Lines are batched into one write per
 * 256 results; the stream buffers without blocking the scheduler (a slow disk costs memory, not lag).
 */
export class ResultsWriter {
  private readonly out: WriteStream;
  private buf: string[] = [];

  constructor(path: string, private readonly urls: string[]) {
    this.out = privateWriteStream(path);
  }

  write(r: RequestResult & { diff?: string[] }): void {
    this.buf.push(JSON.stringify({ ...r, targetUrl: this.urls[r.target] }));
    if (this.buf.length >= 256) this.flush();
  }

  private flush(): void {
    if (!this.buf.length) return;
    this.out.write(this.buf.join('\n') + '\n');
    this.buf = [];
  }

  async close(): Promise<void> {
    this.flush();
    const done = once(this.out, 'close');
    this.out.end();
    await done;
  }
}
