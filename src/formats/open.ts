import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';
import type { ReadOptions } from './capture-file.js';

/** The file kinds shadowtap reads and writes, chosen by extension. */
export type FileKind = 'jsonl' | 'har' | 'gor' | 'pcap';

export function kindOf(path: string): FileKind {
  const p = path.toLowerCase();
  if (p === '-' || p.endsWith('.jsonl') || p.endsWith('.jsonl.gz') || p.endsWith('.ndjson')) return 'jsonl';
  if (p.endsWith('.har')) return 'har';
  if (p.endsWith('.gor')) return 'gor';
  if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(p)) return 'pcap'; // a gzipped capture is inflated by its magic
  throw new InputError(`${path}: unknown file type (expected .jsonl, .jsonl.gz, .har, .gor, .pcap or .pcapng, optionally .gz)`);
}

/** Any exchange file as a stream of exchanges. Modules load lazily to keep CLI start-up fast. */
export async function openExchanges(path: string, opts: ReadOptions = {}): Promise<AsyncIterable<Exchange>> {
  switch (kindOf(path)) {
    case 'jsonl':
      return (await import('./capture-file.js')).readCaptureFile(path, opts);
    case 'har':
      return (await import('./har-file.js')).readHarFile(path, { onWarning: opts.onWarning });
    case 'gor':
      return (await import('./gor.js')).readGorFile(path, opts);
    case 'pcap':
      return (await import('../capture/input-file.js')).exchangesFromPcapFile(path, { onWarning: opts.onWarning });
  }
}
