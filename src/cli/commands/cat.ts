import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import type { CommandBody } from './index.js';
import { withRedactOptions, type RedactArgs } from '../redact-options.js';
import { wholeFlag } from '../options.js';
import type { Source } from '../../io/source.js';

interface Args extends Partial<RedactArgs> {
  /** One or more inputs, listed one after the other; `-` (stdin) only alone. */
  files: string[];
  format: 'tsv' | 'json' | 'har';
  'skip-invalid': boolean;
  /** A pcap file: 1 one thread, 2 a reader thread; 0 or absent: chosen by size and cores. */
  threads?: number;
}

export const catCommand: CommandBody<Args & RedactArgs & { human?: boolean }> = {
  builder: (y) =>
    withRedactOptions(y)
      .example('$0 cat traffic.jsonl.gz | head', 'one line per exchange: start_us method target status latency_us')
      .example('$0 cat traffic.pcap --format har', 'a packet capture as HAR, on stdout')
      .example('tcpdump -i lo -U -w - port 8080 | $0 cat -', 'live packets on stdin')
      .example('$0 cat caps/*.jsonl.gz', 'rotated files (the agent\'s, or --rotate-size), one after the other')
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'capture files, listed one after the other; or - alone for stdin (a pcap/pcapng or JSONL stream)' })
      .option('format', { choices: ['tsv', 'json', 'har'] as const, default: 'tsv' as const, describe: 'tsv: start_us method target status latency_us' })
      .option('human', { type: 'boolean', describe: 'tsv for people: a header, ISO time, latency in ms (the default on a terminal; --no-human for the machine form)' })
      .option('skip-invalid', { type: 'boolean', default: false, describe: 'skip malformed lines instead of failing' })
      .option('threads', wholeFlag('threads', { max: 2, default: 0, describe: 'threads for a pcap file: 1 one; 2 a reader thread (reads and reassembles while the main one parses); 0 chooses: the reader thread for files of 16 MiB or more on 4+ cores, else one' })),
  handler: (args) => runCat(args),
};

/**
 * The command itself. Every form is the one pump: the input's source → the redaction stage (unless
 * --no-redact) → a listing sink (io/outputs/tsv, tsv-human, json-listing, har-listing), which formats
 * and never redacts.
 */
export async function runCat(args: Args & { human?: boolean }, out: Writable = process.stdout): Promise<void> {
  const { redactionFrom } = await import('../redact-options.js');
  const redaction = redactionFrom(args);
  const { checkedInput, openSink, openSource } = await import('../../io/registry.js');
  const { InputError } = await import('../../errors.js');
  const onWarning = (m: string): void => void process.stderr.write(`warning: ${m}\n`);
  const { files } = args;
  if (files.length > 1 && files.includes('-')) throw new InputError('cat: - (stdin) is read alone, not with other inputs');
  // Every input is checked before the first is listed: a bad third file fails before any output.
  const kinds = new Map<string, string>();
  for (const f of files) kinds.set(f, await checkedInput(f));
  const first = files[0]!;
  // Started before the modules below load: its own start-up (~35 ms) overlaps theirs.
  const thread = kinds.get(first) === 'pcap' && readerThread(first, args.threads) ? (await import('../../capture/thread/reader-thread.js')).startReaderThread(first) : undefined;
  const { pump } = await import('../../io/pump.js');
  const open = (f: string): Promise<Source> =>
    openSource(f, { kind: kinds.get(f), skipInvalid: args['skip-invalid'], onWarning, summary: args.format === 'tsv', thread: f === first ? thread : kinds.get(f) === 'pcap' && readerThread(f, args.threads) });
  const source = files.length === 1 ? await open(first) : (await import('../../io/concat.js')).concatSources(files, open);
  const sink = await openSink('-', { kind: listingKind(args, out), redaction, stdout: out });
  await pump({ source, redaction, sinks: [sink] });
}

function listingKind(args: Args & { human?: boolean }, out: Writable): string {
  if (args.format === 'json') return 'json';
  if (args.format === 'har') return 'har-listing';
  return (args.human ?? (out as { isTTY?: boolean }).isTTY) ? 'tsv-human' : 'tsv';
}

/** Below this the reader thread's start-up (~35 ms) costs more than it saves. */
const MIN_THREAD_BYTES = 16 << 20;

/**
 * Whether a pcap file is read and reassembled in a reader thread (capture/thread) while this one parses
 * and prints: --threads 2 says yes, 1 no, 0 chooses. Stdin and pipes: no (read once, by one reader).
 *
 * Auto takes it only on 4+ cores. On the 2-core machine of the issue 2 bench (78 MB, medians of 15) it
 * took 0.47 s against 0.44 s for one thread: a single-threaded run already keeps the second core ~30%
 * busy (V8's GC and compiler threads), and the main thread ran ~10% slower beside it. With cores to
 * spare it shortens the main thread, the one that bounds the wall time: 470 ms against 560 ms of CPU on
 * a 63 MB wrk capture (issue 15, per-thread CPU from /proc), for ~+50 ms of CPU in all.
 *
 * Sharding the flows over several threads (issue 2's --threads 3+) was dropped (issue 15): each shard
 * reads and reassembles the whole file, so 3 shards took 2.2× the CPU of one thread, and with redaction
 * and formatting on the main thread (the pump's stages, once) that thread would deserialise every
 * exchange (2.4–3 µs each in summary mode, 8–10 µs with headers and bodies), as long as parsing them.
 */
function readerThread(path: string, threads = 0): boolean {
  if (threads === 1 || path === '-') return false;
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) return false;
  return threads === 2 || (availableParallelism() >= 4 && st.size >= MIN_THREAD_BYTES);
}
