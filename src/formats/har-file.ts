import { readFile } from 'node:fs/promises';
import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';
import { toHarEntry } from './har-entry.js';
import { fromHarEntry, EntryError } from './har-import.js';
import { writePrivateFile } from './private-file.js';
import { createRedactor, REDACT_ALL, type RedactPolicy } from '../stages/redact/index.js';

/**
 * HAR 1.2 files are one JSON document, so they are read whole; captures meant to be large belong in
 * .jsonl(.gz), which streams. HAR is for interop with browsers and other tools.
 */
export async function* readHarFile(path: string): AsyncGenerator<Exchange> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path}: not a HAR file: ${(err as Error).message}`);
  }
  const entries = (doc as { log?: { entries?: unknown } })?.log?.entries;
  if (!Array.isArray(entries)) throw new InputError(`${path}: log.entries: missing (not a HAR 1.2 file)`);
  for (let i = 0; i < entries.length; i++) {
    try {
      yield fromHarEntry(entries[i], `${i + 1}`);
    } catch (err) {
      if (err instanceof EntryError) throw new InputError(`${path}: log.entries[${i}].${err.message}`);
      throw err;
    }
  }
}

export function harDocument(entries: unknown[]): object {
  return { log: { version: '1.2', creator: { name: 'shadowtap', version: '0.1.0' }, entries } };
}

export async function writeHarFile(path: string, exchanges: AsyncIterable<Exchange>, redaction: RedactPolicy = REDACT_ALL): Promise<number> {
  const redact = createRedactor(redaction);
  const entries: unknown[] = [];
  for await (const ex of exchanges) entries.push(toHarEntry(redact(ex)));
  await writePrivateFile(path, JSON.stringify(harDocument(entries), null, 1));
  return entries.length;
}
