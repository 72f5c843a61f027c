import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Exchange } from '../exchange.js';
import { toHarEntry } from '../formats/har-entry.js';

export type PrintFormat = 'tsv' | 'json' | 'har';

/** tsv columns (CLI contract): start_us method target status latency_us, `-` where unknown. */
export function tsvLine(ex: Exchange): string {
  const t = ex.timing;
  const latency = t.responseStartUs === undefined ? '-' : t.responseStartUs - t.requestEndUs;
  return `${t.requestStartUs}\t${ex.request.method}\t${ex.request.target}\t${ex.response?.status ?? '-'}\t${latency}\n`;
}

const HAR_OPEN = '{"log":{"version":"1.2","creator":{"name":"shadowtap","version":"0.1.0"},"entries":[\n';
const HAR_CLOSE = '\n]}}\n';
const WRITE_BYTES = 64 * 1024;
const FLUSH_AFTER_MS = 100;

/**
 * Text goes out in ~64 KiB writes, built synchronously: a write (or an awaited promise) per exchange
 * costs more than formatting it. Backpressure is honoured between writes. A slow source (`cat -` fed
 * by a live capture) still shows its lines within 100 ms.
 */
class Printer {
  private text = '';
  private first = true;
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly format: PrintFormat,
    private readonly out: Writable,
  ) {
    if (format === 'har') this.text = HAR_OPEN;
  }

  add(ex: Exchange): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.text !== '') this.out.write(this.take());
    }, FLUSH_AFTER_MS).unref();
    if (this.format === 'tsv') this.text += tsvLine(ex);
    else if (this.format === 'json') this.text += JSON.stringify(ex) + '\n';
    else {
      this.text += (this.first ? '' : ',\n') + JSON.stringify(toHarEntry(ex));
      this.first = false;
    }
  }

  get full(): boolean {
    return this.text.length >= WRITE_BYTES;
  }

  private take(): string {
    const text = this.text;
    this.text = '';
    return text;
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.text !== '' && !this.out.write(this.take())) await once(this.out, 'drain');
  }

  async end(): Promise<void> {
    if (this.format === 'har') this.text += HAR_CLOSE;
    await this.flush();
  }
}

export async function printExchanges(exchanges: AsyncIterable<Exchange>, format: PrintFormat, out: Writable): Promise<void> {
  const p = new Printer(format, out);
  for await (const ex of exchanges) {
    p.add(ex);
    if (p.full) await p.flush();
  }
  await p.end();
}

/** printExchanges for a source that hands out batches (pcap input): one await per batch, not per exchange. */
export async function printExchangeBatches(batches: AsyncIterable<readonly Exchange[]>, format: PrintFormat, out: Writable): Promise<void> {
  const p = new Printer(format, out);
  for await (const batch of batches) {
    for (const ex of batch) {
      p.add(ex);
      if (p.full) await p.flush();
    }
  }
  await p.end();
}
