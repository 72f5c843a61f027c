import type { Writable } from 'node:stream';
import type { CommandModule } from 'yargs';
import type { PlainCat as Args } from '../plain-cat.js';
import { withRedactOptions, type RedactArgs } from '../redact-options.js';
import { MAX_THREADS, wholeFlag } from '../options.js';

export const catCommand: CommandModule<object, Args & RedactArgs> = {
  command: 'cat <file>',
  describe: 'Print the exchanges of a capture (.jsonl[.gz], .har, .gor, .pcap[ng])',
  builder: (y) =>
    withRedactOptions(y)
      .example('$0 cat traffic.jsonl.gz | head', 'one line per exchange: start_us method target status latency_us')
      .example('$0 cat traffic.pcap --format har', 'a packet capture as HAR, on stdout')
      .example('tcpdump -i lo -U -w - port 8080 | $0 cat -', 'live packets on stdin')
      .positional('file', { type: 'string', demandOption: true, describe: 'capture file, or - for stdin (a pcap/pcapng or JSONL stream)' })
      .option('format', { choices: ['tsv', 'json', 'har'] as const, default: 'tsv' as const, describe: 'tsv: start_us method target status latency_us' })
      .option('skip-invalid', { type: 'boolean', default: false, describe: 'skip malformed lines instead of failing' })
      .option('threads', wholeFlag('threads', { max: MAX_THREADS, default: 0, describe: 'threads for a pcap file: 1 one; 2 a reader thread (reads and reassembles while the main one parses); 3+ that many shards (each reads the file, parses a share of the flows); 0 chooses: a shard per core up to 4 for files of 16 MiB or more on 4+ cores, else one' })),
  // yargs-parser reads a lone "-" as an option without a name and leaves the positional empty.
  handler: (args) => runCat({ ...args, file: args.file === '' ? '-' : args.file }),
};

/** The command itself; also run without yargs for the plain form (see plain-cat.ts). */
export async function runCat(args: Args, out: Writable = process.stdout): Promise<void> {
  const { redactionFrom } = await import('../redact-options.js');
  const redaction = redactionFrom(args);
  const { INPUTS, openSink, openSource, pick } = await import('../../io/registry.js');
  const onWarning = (m: string): void => void process.stderr.write(`warning: ${m}\n`);
  const head = args.file === '-' ? await stdinHead() : undefined;
  const kind = pick(INPUTS, args.file, 'input', undefined, head).kind;
  const sinkKind = args.format === 'har' ? 'har-listing' : args.format;
  let thread;
  if (kind === 'pcap') {
    const { catPlan, shardedEntries } = await import('../cat-shards.js');
    const plan = catPlan(args.file, args.threads);
    // Shards parse and format in worker threads; each applies the same redaction stage to what it formats.
    if (plan.mode === 'shards') {
      const { printEntryBatches } = await import('../print.js');
      return printEntryBatches(shardedEntries(args.file, args.format, plan.shards, onWarning, redaction), args.format, out);
    }
    // Started before the modules below load: its own start-up (~35 ms) overlaps theirs.
    if (plan.mode === 'reader') thread = (await import('../../capture/thread/reader-thread.js')).startReaderThread(args.file);
  }
  const { pump } = await import('../../io/pump.js');
  const source = await openSource(args.file, { kind, skipInvalid: args['skip-invalid'], onWarning, summary: args.format === 'tsv', thread });
  const sink = await openSink('-', { kind: sinkKind, redaction, stdout: out });
  await pump({ source, redaction, sinks: [sink] });
}

/** `tcpdump -w - | shadowtap cat -`: stdin's first bytes, put back, say whether it is a capture or a JSONL file. */
async function stdinHead(): Promise<Buffer | undefined> {
  const stdin = process.stdin;
  const head = await new Promise<Buffer | null>((resolve) => {
    const onEnd = (): void => resolve(null);
    stdin.once('end', onEnd);
    stdin.once('data', (chunk: Buffer) => {
      stdin.pause();
      stdin.off('end', onEnd);
      resolve(chunk);
    });
  });
  if (!head) return undefined;
  stdin.unshift(head); // the reader starts from the first byte
  return head;
}
