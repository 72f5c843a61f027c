import type { Writable } from 'node:stream';
import { serverLatencyUs, type Exchange } from '../exchange.js';
import { toHarEntry } from '../formats/har-entry.js';
import { LineBatcher } from '../formats/line-batcher.js';

export type PrintFormat = 'tsv' | 'json' | 'har';

/** tsv columns (CLI contract): start_us method target status latency_us, `-` where unknown. */
export function tsvLine(ex: Exchange): string {
  return `${ex.timing.requestStartUs}\t${ex.request.method}\t${ex.request.target}\t${ex.response?.status ?? '-'}\t${serverLatencyUs(ex) ?? '-'}\n`;
}

const HAR_OPEN = '{"log":{"version":"1.2","creator":{"name":"shadowtap","version":"0.1.0"},"entries":[\n';
const HAR_CLOSE = '\n]}}\n';

/**
 * Formats exchanges into the shared ~64 KiB line batches, synchronously: a write (or an awaited promise)
 * per exchange costs more than formatting it. Backpressure is honoured between batches.
 */
class Printer {
  private readonly lines: LineBatcher;
  private first = true;
  constructor(
    private readonly format: PrintFormat,
    out: Writable,
  ) {
    this.lines = new LineBatcher(out);
    if (format === 'har') this.lines.add(HAR_OPEN);
  }

  /** True when a batch is full: flush before adding more. */
  add(ex: Exchange): boolean {
    if (this.format === 'tsv') return this.lines.add(tsvLine(ex));
    if (this.format === 'json') return this.lines.add(JSON.stringify(ex) + '\n');
    const text = (this.first ? '' : ',\n') + JSON.stringify(toHarEntry(ex));
    this.first = false;
    return this.lines.add(text);
  }

  flush(): Promise<void> {
    return this.lines.flush();
  }

  async end(): Promise<void> {
    if (this.format === 'har') this.lines.add(HAR_CLOSE);
    await this.flush();
  }
}

export async function printExchanges(exchanges: AsyncIterable<Exchange>, format: PrintFormat, out: Writable): Promise<void> {
  const p = new Printer(format, out);
  for await (const ex of exchanges) {
    if (p.add(ex)) await p.flush();
  }
  await p.end();
}

/** printExchanges for a source that hands out batches (pcap input): one await per batch, not per exchange. */
export async function printExchangeBatches(batches: AsyncIterable<readonly Exchange[]>, format: PrintFormat, out: Writable): Promise<void> {
  const p = new Printer(format, out);
  for await (const batch of batches) {
    for (const ex of batch) {
      if (p.add(ex)) await p.flush();
    }
  }
  await p.end();
}
