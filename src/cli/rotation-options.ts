import { statSync } from 'node:fs';
import type { Argv } from 'yargs';
import { InputError } from '../errors.js';
import { OUTPUTS, pick, schemeOf } from '../io/registry.js';
import type { SinkLog, SinkOptions } from '../io/sink.js';
import { durationFlag, sizeFlag } from './options.js';

export interface RotationArgs {
  'rotate-size'?: number;
  'rotate-every'?: number;
  'max-total'?: number;
  'rotate-gzip': boolean;
}

/** The flags that make `--out` a directory of rotating capture files (the agent's `files:` output), on `capture`, `convert` and `record`. */
export function withRotationOptions<T>(y: Argv<T>): Argv<T & RotationArgs> {
  return y
    .group(['rotate-size', 'rotate-every', 'max-total', 'rotate-gzip'], 'Rotating files (--out names a directory):')
    .option('rotate-size', sizeFlag('rotate-size', { above: true, describe: 'start a new file once one holds this much (100MiB)' }))
    .option('rotate-every', durationFlag('rotate-every', { above: true, describe: 'start a new file this often, by the clock (1h); live capture and record only' }))
    .option('max-total', sizeFlag('max-total', { above: true, describe: 'delete the oldest finished files to stay under this (default: delete nothing)' }))
    .option('rotate-gzip', { type: 'boolean', default: true, describe: 'gzip each finished file (--no-rotate-gzip keeps .jsonl)' }) as Argv<T & RotationArgs>;
}

/** What openSink takes to make `--out` the rotating files. */
export interface RotatingOutput {
  kind: 'rotating';
  rotation: NonNullable<SinkOptions['rotation']>;
  log: SinkLog;
}

/**
 * The rotating output when a rotation flag is given, else undefined (`--out` is one file); its news
 * goes to stderr as `<command>: …`.
 * A dimension not given does not rotate; nothing is deleted without `--max-total` (the agent's disk cap
 * is a default because it runs unattended; a command deletes only what it was told to). Age is the
 * clock's, so an input read as fast as the disk allows (a file) cannot rotate by it.
 */
export function rotatingOutput(args: RotationArgs & { out: string }, input: { file: boolean; command: string }): RotatingOutput | undefined {
  const size = args['rotate-size'];
  const every = args['rotate-every'];
  if (size === undefined && every === undefined) {
    if (args['max-total'] !== undefined) throw new InputError('--max-total: caps rotating files; give --rotate-size or --rotate-every too');
    return undefined;
  }
  const cap = args['max-total'];
  if (cap !== undefined && size !== undefined && cap < size) throw new InputError(`--max-total is less than --rotate-size (${cap} < ${size} bytes): every file would be deleted as soon as it is finished`);
  if (every !== undefined && input.file) throw new InputError('--rotate-every: rotates by the clock, which means nothing for a file read at disk speed; use --rotate-size');
  const out = args.out;
  if (out === '-' || schemeOf(out) !== undefined || isFileName(out)) throw new InputError(`--out ${out}: with --rotate-size or --rotate-every, --out names a directory for the rotating files`);
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory() === false) throw new InputError(`--out ${out}: not a directory (rotating files go in a directory)`);
  const rotation = { maxFileBytes: size ?? Infinity, rotateEveryMs: every ?? Infinity, maxTotalBytes: cap ?? Infinity, gzip: args['rotate-gzip'], blocking: true };
  return { kind: 'rotating', rotation, log: rotationLog(input.command) };
}

/** The rotating files' news on stderr, one line each: `capture: capture file rotated: caps/capture-….jsonl.gz`. */
function rotationLog(command: string): SinkLog {
  return (level, msg, extra) => {
    const details = extra ? Object.values(extra).map((v) => (Array.isArray(v) ? v.join(', ') : String(v))).join('; ') : '';
    process.stderr.write(`${command}: ${level === 'info' ? '' : `${level}: `}${msg}${details ? `: ${details}` : ''}\n`);
  };
}

/** A name that picks a file output by its ending (x.jsonl.gz, x.har): surely not meant as a directory. */
function isFileName(out: string): boolean {
  try {
    pick(OUTPUTS, out, 'output');
    return true;
  } catch {
    return false;
  }
}
