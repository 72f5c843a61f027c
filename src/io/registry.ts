import { closeSync, fstatSync, openSync, statSync, type Stats } from 'node:fs';
import { InputError } from '../errors.js';
import { isCaptureMagic } from '../capture/pcap/magic.js';
import type { InputModule, Source, SourceOptions } from './source.js';
import type { OutputModule, Sink, SinkOptions } from './sink.js';

/**
 * Every input and output shadowtap has, one line each. A target is matched by its URL scheme
 * (`redis://…`), else by its name's ending, else (stdin) by its first bytes; a flag can name the kind
 * outright (`--interface` is `live`, `cat --format tsv` is `tsv`). Modules load when picked, so that the
 * CLI starts without loading what it does not run. Adding an input or an output: one file under
 * `io/inputs/` or `io/outputs/` exporting `input` or `output`, and one line here.
 */
export interface Entry<M> {
  kind: string;
  /** URL schemes, without the colon. */
  schemes?: readonly string[];
  /** The name's ending (case-insensitive). */
  ext?: RegExp;
  /** What the first bytes of stdin look like (inputs read from `-`). */
  magic?: (head: Buffer) => boolean;
  load: () => Promise<M>;
}

export const INPUTS: readonly Entry<InputModule>[] = [
  { kind: 'jsonl', ext: /\.(jsonl|ndjson)(\.gz)?$/i, load: async () => (await import('./inputs/jsonl.js')).input },
  { kind: 'har', ext: /\.har$/i, load: async () => (await import('./inputs/har.js')).input },
  { kind: 'gor', ext: /\.gor(\.gz)?$/i, load: async () => (await import('./inputs/gor.js')).input },
  { kind: 'pcap', ext: /\.(pcap|pcapng|cap)(\.gz)?$/i, magic: isCaptureMagic, load: async () => (await import('./inputs/pcap.js')).input },
  { kind: 'live', load: async () => (await import('./inputs/live.js')).input },
  { kind: 'proxy', load: async () => (await import('./inputs/proxy.js')).input },
  { kind: 'alb', load: async () => (await import('./inputs/alb.js')).input },
  { kind: 'redis', schemes: ['redis', 'rediss'], load: async () => (await import('./inputs/redis.js')).input },
];

export const OUTPUTS: readonly Entry<OutputModule>[] = [
  { kind: 'jsonl', ext: /\.(jsonl|ndjson)(\.gz)?$/i, load: async () => (await import('./outputs/jsonl.js')).output },
  { kind: 'har', ext: /\.har$/i, load: async () => (await import('./outputs/har.js')).output },
  { kind: 'gor', ext: /\.gor$/i, load: async () => (await import('./outputs/gor.js')).output },
  { kind: 'redis', schemes: ['redis', 'rediss'], load: async () => (await import('./outputs/redis.js')).output },
  // A directory of capture files rotated by size and age under a disk cap (SinkOptions.rotation); never blocks.
  { kind: 'rotating', load: async () => (await import('./outputs/rotating.js')).output },
  { kind: 'tsv', load: async () => (await import('./outputs/tsv.js')).output },
  { kind: 'tsv-human', load: async () => (await import('./outputs/tsv-human.js')).output },
  { kind: 'json', load: async () => (await import('./outputs/json-listing.js')).output },
  { kind: 'har-listing', load: async () => (await import('./outputs/har-listing.js')).output },
];

const KNOWN_INPUT = '.jsonl, .jsonl.gz, .har, .gor, .pcap or .pcapng, optionally .gz';
const KNOWN_OUTPUT = '.jsonl, .jsonl.gz, .har or .gor';

/** The scheme of a URL target (`redis` of `redis://h/s`); undefined for a path (`C:\…` has one letter). */
export function schemeOf(target: string): string | undefined {
  return /^([a-z][a-z0-9+.-]+):\/\//i.exec(target)?.[1]?.toLowerCase();
}

/**
 * The entry for a target: by `kind` when a flag names it, else scheme, else extension. `head` (stdin's
 * first bytes) decides for `-`; without it `-` is the first entry (JSONL).
 */
export function pick<M>(entries: readonly Entry<M>[], target: string, what: 'input' | 'output', kind?: string, head?: Buffer): Entry<M> {
  if (kind !== undefined) {
    const e = entries.find((x) => x.kind === kind);
    if (!e) throw new InputError(`${target}: no ${what} of kind ${kind} (known: ${entries.map((x) => x.kind).join(', ')})`);
    return e;
  }
  const scheme = schemeOf(target);
  if (scheme !== undefined) {
    const e = entries.find((x) => x.schemes?.includes(scheme));
    if (!e) throw new InputError(`${target}: unknown URL scheme ${scheme}:// for an ${what} (known: ${known(entries)})`);
    return e;
  }
  if (target === '-') return (head && entries.find((x) => x.magic?.(head))) ?? entries[0]!;
  const e = entries.find((x) => x.ext?.test(target));
  if (e) return e;
  if (what === 'output' && INPUTS.find((x) => x.kind === 'pcap')!.ext!.test(target)) {
    throw new InputError(`${target}: shadowtap does not write pcap; write ${KNOWN_OUTPUT}`);
  }
  // The agent's (or --rotate-size's) directory of capture files is a likely thing to name.
  if (what === 'input' && isDirectory(target)) throw new InputError(`${target}: a directory, not a capture file; name the files in it (such as ${target.replace(/\/$/, '')}/*.jsonl.gz)`);
  throw new InputError(`${target}: unknown file type (expected ${what === 'input' ? KNOWN_INPUT : KNOWN_OUTPUT}${schemesText(entries)})`);
}

function known(entries: readonly Entry<unknown>[]): string {
  return entries.flatMap((x) => x.schemes ?? []).map((s) => `${s}://`).join(', ') || 'none';
}

function schemesText(entries: readonly Entry<unknown>[]): string {
  const s = entries.flatMap((x) => x.schemes ?? []);
  return s.length ? `, or a ${s.map((x) => `${x}://`).join(' / ')} URL` : '';
}

async function headOf(target: string, kind: string | undefined): Promise<Buffer | undefined> {
  return target === '-' && kind === undefined ? (await import('./stdin-head.js')).stdinHead() : undefined;
}

/**
 * The one check of an input before anything is sent or written: its kind is known (stdin's by its first
 * bytes) and, for a file, it opens for reading; returns the kind. Readers open lazily (on the first
 * batch), so without this a missing file would surface only after a sink had created its output or
 * workers had been started.
 */
export async function checkedInput(target: string, kind?: string): Promise<string> {
  const entry = pick(INPUTS, target, 'input', kind, await headOf(target, kind));
  if (isFile(entry, target)) readable(target);
  return entry.kind;
}

/** Stdin (`-`) without a `kind` is read by what its first bytes are. */
export async function openSource(target: string, opts: SourceOptions & { kind?: string | undefined } = {}): Promise<Source> {
  const entry = pick(INPUTS, target, 'input', opts.kind, await headOf(target, opts.kind));
  if (isFile(entry, target)) readable(target);
  const source = await (await entry.load()).open(target, opts);
  readsFrom.set(source, [target, ...(opts.more ?? [])].flatMap((t) => identity(t, 0) ?? []));
  return source;
}

/**
 * `from`: the source whose exchanges the sink will take. A file output that is one of its input files
 * (the same name, `./name`, a symlink or a hard link) would be truncated before it is read, so it is
 * refused before the sink opens.
 */
export async function openSink(target: string, opts: SinkOptions & { kind?: string | undefined; from?: Source | undefined }): Promise<Sink> {
  const entry = pick(OUTPUTS, target, 'output', opts.kind);
  if (opts.from) notAnInput(opts.from, target);
  return (await entry.load()).open(target, opts);
}

/** The regular files each opened source reads (device and inode), as its input names were when it opened. */
const readsFrom = new WeakMap<Source, readonly string[]>();

function notAnInput(source: Source, target: string): void {
  const out = identity(target, 1);
  if (out !== undefined && readsFrom.get(source)?.includes(out)) throw new InputError(`${target}: input and output are the same file (${source.name}); write to another file`);
}

/** `dev:ino` of a regular file target (`-`: the descriptor given), else undefined: pipes, URLs, directories, names not yet created. */
function identity(target: string, stdio: 0 | 1): string | undefined {
  if (schemeOf(target) !== undefined) return undefined;
  let st: Stats | undefined;
  try {
    st = target === '-' ? fstatSync(stdio) : statSync(target, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  return st?.isFile() ? `${st.dev}:${st.ino}` : undefined;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** File kinds name files by their ending; stdin (`-`) and URLs are not files. */
function isFile(entry: Entry<unknown>, target: string): boolean {
  return entry.ext !== undefined && target !== '-' && schemeOf(target) === undefined;
}

/** Opens the file for reading (then closes it): ENOENT, EACCES, a directory are bad input named after it. */
function readable(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (fstatSync(fd).isDirectory()) throw new InputError(`${path}: cannot read (EISDIR: a directory, not a capture file)`);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
