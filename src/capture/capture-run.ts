import { hostname } from 'node:os';
import type { Exchange } from '../exchange.js';
import { writeExchanges } from '../formats/write.js';
import { exchangeBatchesFromPcapFile } from './input-file.js';
import { liveCapture } from './input-live.js';
import type { RedactPolicy } from '../stages/redact/index.js';
import { formatProgress, formatSummary } from './summary.js';
import { newCaptureStats, type CaptureStats } from './tcp/stream-sink.js';

export interface CaptureRunOptions {
  read?: string | undefined;
  iface?: string | undefined;
  ports: number[];
  bpf?: string | undefined;
  out: string;
  durationS?: number | undefined;
  maxExchanges?: number | undefined;
  maxBodyBytes: number;
  redaction: RedactPolicy;
  bufferKiB?: number;
  /** Progress lines even when stderr is not a terminal (otherwise only there; the summary always). */
  progress?: boolean;
  /** Where the summary and warnings go (stderr). */
  log?: (text: string) => void;
}

/**
 * `shadowtap capture`: a source (file or live tcpdump) → a capture file (which redacts), stopping on the
 * limits or SIGINT/SIGTERM, then the summary on stderr.
 */
export async function runCapture(o: CaptureRunOptions): Promise<CaptureStats> {
  const log = o.log ?? ((t: string) => void process.stderr.write(t));
  const onWarning = (m: string): void => log(`warning: ${m}\n`);
  const common = { ports: o.ports, maxBodyBytes: o.maxBodyBytes, onWarning };
  let stats: CaptureStats;
  let source: AsyncIterable<Exchange[]>;
  let interrupted = false;
  // For a file, stopping means: write what was read so far and finish (live: tcpdump is stopped too).
  let stop: () => Promise<void> = async () => void (interrupted = true);
  const t0 = Date.now();
  const timers: NodeJS.Timeout[] = [];
  let written = 0;
  if (o.read !== undefined) {
    stats = newCaptureStats();
    source = exchangeBatchesFromPcapFile(o.read, { ...common, stats, source: { capture: o.read, kind: 'pcap', host: hostname() } });
  } else {
    const live = liveCapture({ ...common, iface: o.iface!, bpf: o.bpf, bufferKiB: o.bufferKiB, source: { capture: o.iface!, kind: 'live', host: hostname() } });
    ({ stats, stop } = live);
    source = oneByOne(live.exchanges);
    if (o.durationS !== undefined) timers.push(setTimeout(() => void stop(), o.durationS * 1000));
    // A status line rewritten in place on a terminal (or, with --progress, a line every 10 s): the first
    // once tcpdump listens, each with its kernel drops as of the last poll.
    const tty = process.stderr.isTTY && !o.log;
    const progress = (): void => (live.poll(), log((tty ? '\r\x1b[K' : '') + formatProgress(stats, written, (Date.now() - t0) / 1000).trimEnd() + (tty ? '' : '\n')));
    if (tty || o.progress) void live.ready.then(() => (progress(), timers.push(setInterval(progress, tty ? 1000 : 10_000))));
  }
  const onSignal = (): void => void stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  async function* limited(): AsyncGenerator<Exchange> {
    // Batches from a file: one generator hop per exchange, not two (the file path is the fast one).
    for await (const batch of source) {
      for (const ex of batch) {
        if (interrupted) return;
        yield ex;
        written++;
        if (o.maxExchanges !== undefined && written >= o.maxExchanges) {
          await stop(); // let tcpdump report its counts before the source is closed
          return;
        }
      }
    }
  }
  try {
    const header = { source: { kind: o.read !== undefined ? 'pcap' : 'live', capture: o.read ?? o.iface, ports: o.ports, host: hostname() }, redaction: o.redaction };
    written = await writeExchanges(o.out, limited(), header);
  } finally {
    for (const t of timers) clearTimeout(t);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  }
  if (o.iface !== undefined && process.stderr.isTTY && !o.log) log('\r\x1b[K');
  log(formatSummary(stats, written));
  return stats;
}

async function* oneByOne<T>(items: AsyncIterable<T>): AsyncGenerator<T[]> {
  for await (const item of items) yield [item];
}
