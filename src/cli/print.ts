import { once } from 'node:events';
import { Writable } from 'node:stream';
import { serverLatencyUs, type Exchange } from '../exchange.js';
import { harEntryText } from '../formats/har-line.js';
import { FlushTimer, LineBatcher } from '../formats/line-batcher.js';
import { TsvBytes } from './tsv-bytes.js';
import { createRedactor, REDACT_ALL, type RedactPolicy } from '../stages/redact/index.js';
import { VERSION } from '../version.js';

export type PrintFormat = 'tsv' | 'json' | 'har';

/** tsv columns (CLI contract): start_us method target status latency_us, `-` where unknown. */
export function tsvLine(ex: Exchange): string {
  return `${ex.timing.requestStartUs}\t${ex.request.method}\t${ex.request.target}\t${ex.response?.status ?? '-'}\t${serverLatencyUs(ex) ?? '-'}\n`;
}

/** One exchange as `format` prints it; the printer adds the separators between HAR entries. */
export function entryText(ex: Exchange, format: PrintFormat): string {
  if (format === 'tsv') return tsvLine(ex);
  if (format === 'json') return JSON.stringify(ex) + '\n';
  return harEntryText(ex);
}

/**
 * `cat` tsv for a person (on a terminal, or `--human`): a header, ISO time to the µs, latency in ms,
 * the target last so the columns line up. It rewrites the machine lines as they pass, so every way
 * `cat` makes them (the TsvBytes fast path, shard threads, JSONL) gets the same form; pipes keep the
 * machine form byte for byte. Backpressure: a chunk is taken only once `out` has room again.
 */
export function humanTsv(out: Writable): Writable {
  let rest = '';
  let started = false;
  return new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _enc, done) {
      const text = rest + String(chunk);
      const end = text.lastIndexOf('\n') + 1;
      rest = text.slice(end);
      let lines = text.slice(0, end).split('\n').slice(0, -1).map(humanLine).join('');
      if (!started) lines = `${'time (UTC)'.padEnd(27)}  ${'method'.padEnd(7)}  status  ${'latency'.padStart(10)}  target\n${lines}`;
      started = true;
      if (out.write(lines)) done();
      else out.once('drain', () => done());
    },
  });
}

function humanLine(tsv: string): string {
  const [startUs = '', method = '', target = '', status = '', latencyUs = ''] = tsv.split('\t');
  const us = Number(startUs);
  const iso = Number.isFinite(us) && startUs !== '' ? `${new Date(Math.floor(us / 1000)).toISOString().slice(0, -1)}${String(us % 1000).padStart(3, '0')}Z` : startUs;
  const latency = latencyUs === '-' || latencyUs === '' ? '-' : `${(Number(latencyUs) / 1000).toFixed(3)} ms`;
  return `${iso.padEnd(27)}  ${method.padEnd(7)}  ${status.padEnd(6)}  ${latency.padStart(10)}  ${target}\n`;
}

const HAR_OPEN = `{"log":{"version":"1.2","creator":{"name":"shadowtap","version":${JSON.stringify(VERSION)}},"entries":[\n`;
const HAR_CLOSE = '\n]}}\n';

/**
 * Formats exchanges into ~64 KiB batches, synchronously: a write (or an awaited promise) per exchange
 * costs more than formatting it. tsv goes straight to bytes (TsvBytes); json and har through the shared
 * line batches. Backpressure is honoured between batches.
 */
class Printer {
  private readonly lines: LineBatcher | undefined;
  private readonly tsv: TsvBytes | undefined;
  private readonly timer = new FlushTimer(() => this.flush());
  private first = true;
  constructor(
    private readonly format: PrintFormat,
    private readonly out: Writable,
    /** Applied by add(); addEntry() takes text already redacted where it was made. */
    private readonly redact: (ex: Exchange) => Exchange = (ex) => ex,
  ) {
    if (format === 'tsv') this.tsv = new TsvBytes();
    else this.lines = new LineBatcher(out);
    if (format === 'har') this.lines!.add(HAR_OPEN);
  }

  /** True when a batch is full: flush before adding more. */
  add(raw: Exchange): boolean {
    const ex = this.redact(raw);
    if (!this.tsv) return this.addEntry(entryText(ex, this.format));
    this.timer.arm();
    return this.tsv.add(ex);
  }

  /** An entryText() made elsewhere (another thread, which redacted it by the same policy). */
  addEntry(text: string): boolean {
    if (this.tsv) {
      this.timer.arm();
      return this.tsv.addText(text);
    }
    const entry = this.format !== 'har' || this.first ? text : ',\n' + text;
    this.first = false;
    return this.lines!.add(entry);
  }

  async flush(): Promise<void> {
    if (!this.tsv) return this.lines!.flush();
    this.timer.disarm();
    for (const bytes of this.tsv.take()) if (!this.out.write(bytes)) await once(this.out, 'drain');
  }

  async end(): Promise<void> {
    if (this.format === 'har') this.lines!.add(HAR_CLOSE);
    await this.flush();
  }
}

/** Prints exchanges redacted by `redaction` (on unless --no-redact said otherwise). */
export async function printExchanges(exchanges: AsyncIterable<Exchange>, format: PrintFormat, out: Writable, redaction: RedactPolicy = REDACT_ALL): Promise<void> {
  const p = new Printer(format, out, createRedactor(redaction));
  for await (const ex of exchanges) {
    if (p.add(ex)) await p.flush();
  }
  await p.end();
}

/** printExchanges for a source that hands out batches (pcap input): one await per batch, not per exchange. */
export function printExchangeBatches(batches: AsyncIterable<readonly Exchange[]>, format: PrintFormat, out: Writable, redaction: RedactPolicy = REDACT_ALL): Promise<void> {
  return printBatches(batches, new Printer(format, out, createRedactor(redaction)), (p, ex) => p.add(ex));
}

/** Prints entryText() batches made elsewhere (the reader threads of cat-shards.ts, which redact them), in order. */
export function printEntryBatches(batches: AsyncIterable<readonly string[]>, format: PrintFormat, out: Writable): Promise<void> {
  return printBatches(batches, new Printer(format, out), (p, text) => p.addEntry(text));
}

async function printBatches<T>(batches: AsyncIterable<readonly T[]>, p: Printer, add: (p: Printer, item: T) => boolean): Promise<void> {
  for await (const batch of batches) {
    for (const item of batch) {
      if (add(p, item)) await p.flush();
    }
  }
  await p.end();
}
