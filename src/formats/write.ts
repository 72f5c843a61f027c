import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';
import { kindOf } from './open.js';
import type { OutputHeader } from './capture-file.js';

/** Writes exchanges to any writable kind, chosen by extension, redacted by `header.redaction` (default: on); returns how many were written. */
export async function writeExchanges(
  path: string,
  exchanges: AsyncIterable<Exchange>,
  header: OutputHeader = {},
): Promise<number> {
  switch (kindOf(path)) {
    case 'jsonl': {
      const { CaptureWriter } = await import('./capture-file.js');
      const w = CaptureWriter.open(path, header);
      try {
        for await (const ex of exchanges) await w.write(ex);
      } finally {
        await w.close();
      }
      return w.count;
    }
    case 'har':
      return (await import('./har-file.js')).writeHarFile(path, exchanges, header.redaction);
    case 'gor':
      return (await import('./gor.js')).writeGorFile(path, exchanges, header.redaction);
    case 'pcap':
      throw new InputError(`${path}: shadowtap does not write pcap; write .jsonl[.gz], .har or .gor`);
  }
}
