import type { Writable } from 'node:stream';
import type { Exchange } from '../exchange.js';
import { serverLatencyUs } from '../exchange.js';
import { toHarEntry } from '../formats/har-entry.js';
import { LineBatcher } from '../formats/line-batcher.js';

/** tsv columns (CLI contract): start_us method target status latency_us, `-` where unknown. */
export function tsvLine(ex: Exchange): string {
  const latency = serverLatencyUs(ex);
  return `${ex.timing.requestStartUs}\t${ex.request.method}\t${ex.request.target}\t${ex.response?.status ?? '-'}\t${latency ?? '-'}\n`;
}

export async function printExchanges(exchanges: AsyncIterable<Exchange>, format: 'tsv' | 'json' | 'har', out: Writable): Promise<void> {
  const lines = new LineBatcher(out);
  const put = (s: string): Promise<void> => lines.push(s);
  if (format === 'har') await put('{"log":{"version":"1.2","creator":{"name":"shadowtap","version":"0.1.0"},"entries":[\n');
  let first = true;
  for await (const ex of exchanges) {
    if (format === 'tsv') await put(tsvLine(ex));
    else if (format === 'json') await put(JSON.stringify(ex) + '\n');
    else {
      await put((first ? '' : ',\n') + JSON.stringify(toHarEntry(ex)));
      first = false;
    }
  }
  if (format === 'har') await put('\n]}}\n');
  await lines.flush();
}
