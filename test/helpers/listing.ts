import { Writable } from 'node:stream';
import { serverLatencyUs, type Exchange } from '../../src/exchange.js';
import { openSink } from '../../src/io/registry.js';
import { pump } from '../../src/io/pump.js';
import { printable } from '../../src/printable.js';
import type { Source } from '../../src/io/source.js';
import { REDACT_ALL, type RedactPolicy } from '../../src/stages/redact/index.js';

/** The tsv contract in one line, as the CLI documents it (captured text escaped): the oracle of the tsv output's bytes. */
export function tsvLine(ex: Exchange): string {
  const field = (text: string): string => printable(text, { field: true });
  return `${ex.timing.requestStartUs}\t${field(ex.request.method)}\t${field(ex.request.target)}\t${ex.response?.status ?? '-'}\t${serverLatencyUs(ex) ?? '-'}\n`;
}

/** What a listing output (`tsv`, `tsv-human`, `json`, `har-listing`) prints for `batches`, through the pump. */
export async function listed(kind: string, batches: readonly Exchange[][], redaction: RedactPolicy = REDACT_ALL): Promise<string> {
  const chunks: Buffer[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  const source: Source = {
    name: 'memory',
    origin: {},
    async *batches() {
      for (const b of batches) if (b.length) yield b;
    },
    stop: async () => {},
    stats: () => ({}),
  };
  await pump({ source, redaction, sinks: [await openSink('-', { kind, redaction, stdout })] });
  return Buffer.concat(chunks).toString('utf8');
}
