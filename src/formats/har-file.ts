import { Buffer } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { openMaybeGzip } from './lines.js';
import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';
import { toHarEntry } from './har-entry.js';
import { fromHarEntry, EntryError, harStartUs } from './har-import.js';
import { writePrivateFile } from './private-file.js';
import { VERSION } from '../version.js';

/** Entry indexes named in the warning about undated entries; the rest are counted. */
const NAMED_UNDATED = 10;

/**
 * HAR 1.2 files are one JSON document, so they are read whole; captures meant to be large belong in
 * .jsonl(.gz), which streams. HAR is for interop with browsers and other tools.
 * An entry without a usable startedDateTime takes the start of the dated entry before it (the first
 * dated entry's for those before it; the epoch when none has one), so one bad entry does not cost the
 * file; a warning names them.
 */
export async function* readHarFile(path: string, opts: HarReadOptions = {}): AsyncGenerator<Exchange> {
  let doc: unknown;
  try {
    // HAR 1.2: "tools must ignore a byte order mark"; Windows tools (Fiddler) write one.
    doc = JSON.parse((path === '-' ? await wholeStdin() : await readFile(path, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new InputError(`${path}: not a HAR file: ${(err as Error).message}`);
  }
  const entries = (doc as { log?: { entries?: unknown } })?.log?.entries;
  if (!Array.isArray(entries)) throw new InputError(`${path}: log.entries: missing (not a HAR 1.2 file)`);
  const starts = entries.map((e: unknown) => harStartUs((e as { startedDateTime?: unknown } | null)?.startedDateTime));
  const undated = starts.flatMap((s, i) => (s === undefined ? [i] : []));
  if (undated.length) opts.onWarning?.(undatedWarning(path, undated));
  let last = starts.find((s) => s !== undefined) ?? 0;
  for (let i = 0; i < entries.length; i++) {
    last = starts[i] ?? last;
    let ex: Exchange;
    try {
      ex = fromHarEntry(entries[i], `${i + 1}`, last);
    } catch (err) {
      if (!(err instanceof EntryError)) throw err;
      const text = `${path}: log.entries[${i}].${err.message}`;
      if (!opts.skipInvalid) throw new InputError(`${text} (use --skip-invalid to skip such entries)`);
      if (opts.stats) opts.stats.invalid++;
      opts.onWarning?.(text);
      continue;
    }
    yield ex;
  }
}

export interface HarReadOptions {
  onWarning?: ((message: string) => void) | undefined;
  /** Skip an entry that is not a HAR entry (counted in `stats.invalid`, warned) instead of failing. */
  skipInvalid?: boolean | undefined;
  stats?: { invalid: number } | undefined;
}

/** A HAR document on stdin (`-`; gzip too), its first bytes included: they were read to tell its kind. */
async function wholeStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of await openMaybeGzip('-')) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function undatedWarning(path: string, undated: number[]): string {
  const named = undated.slice(0, NAMED_UNDATED).map((i) => `[${i}]`).join(' ');
  const more = undated.length > NAMED_UNDATED ? ` and ${undated.length - NAMED_UNDATED} more` : '';
  return `${path}: log.entries${named}${more} (${undated.length} of the file's entries): no usable startedDateTime; each was given the start of the dated entry before it`;
}

export function harDocument(entries: unknown[]): object {
  return { log: { version: '1.2', creator: { name: 'shadowtap', version: VERSION }, entries } };
}

/** Writes the exchanges as one HAR document (mode 0600); they come redacted (io/pump.ts applies the stage). */
export async function writeHarFile(path: string, exchanges: Iterable<Exchange> | AsyncIterable<Exchange>): Promise<number> {
  const entries: unknown[] = [];
  for await (const ex of exchanges) entries.push(toHarEntry(ex));
  await writePrivateFile(path, JSON.stringify(harDocument(entries), null, 1));
  return entries.length;
}
