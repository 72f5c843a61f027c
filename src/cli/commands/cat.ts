import type { Writable } from 'node:stream';
import type { CommandModule } from 'yargs';
import type { PlainCat as Args } from '../plain-cat.js';
import { withRedactOptions, type RedactArgs } from '../redact-options.js';
import { withStreamInputOptions, type StreamInputArgs } from '../stream-flags.js';
import { MAX_THREADS, wholeFlag } from '../options.js';

export const catCommand: CommandModule<object, Args & RedactArgs & StreamInputArgs> = {
  command: 'cat <file>',
  describe: 'Print the exchanges of a capture (.jsonl[.gz], .har, .gor, .pcap[ng])',
  builder: (y) =>
    withStreamInputOptions(withRedactOptions(y))
      .example('$0 cat traffic.jsonl.gz | head', 'one line per exchange: start_us method target status latency_us')
      .example('$0 cat traffic.pcap --format har', 'a packet capture as HAR, on stdout')
      .example('tcpdump -i lo -U -w - port 8080 | $0 cat -', 'live packets on stdin')
      .positional('file', { type: 'string', demandOption: true, describe: 'capture file, or - for stdin (a pcap/pcapng or JSONL stream)' })
      .option('format', { choices: ['tsv', 'json', 'har'] as const, default: 'tsv' as const, describe: 'tsv: start_us method target status latency_us' })
      .option('skip-invalid', { type: 'boolean', default: false, describe: 'skip malformed lines instead of failing' })
      .option('threads', wholeFlag('threads', { max: MAX_THREADS, default: 0, describe: 'threads for a pcap file: 1 one; 2 a reader thread (reads and reassembles while the main one parses); 3+ that many shards (each reads the file, parses a share of the flows); 0 chooses: a shard per core up to 4 for files of 16 MiB or more on 4+ cores, else one' })),
  // yargs-parser reads a lone "-" as an option without a name and leaves the positional empty.
  handler: (args) => runCat({ ...args, file: args.file === '' ? '-' : args.file }, process.stdout, args),
};

/** The command itself; also run without yargs for the plain form (see plain-cat.ts). */
export async function runCat(args: Args, out: Writable = process.stdout, stream: StreamInputArgs = {}): Promise<void> {
  const { redactionFrom } = await import('../redact-options.js');
  const redaction = redactionFrom(args);
  const { kindOf, openExchanges } = await import('../../formats/open.js');
  const onWarning = (m: string): void => void process.stderr.write(`warning: ${m}\n`);
  const { isStreamUrl } = await import('../../streams/url.js');
  if (!isStreamUrl(args.file) && (args.file === '-' ? await stdinIsCapture() : kindOf(args.file) === 'pcap')) {
    const { catPlan, shardedEntries } = await import('../cat-shards.js');
    const plan = catPlan(args.file, args.threads);
    const summary = args.format === 'tsv';
    // Started before the modules below load: its own start-up (~35 ms) overlaps theirs.
    const thread = plan.mode === 'reader' ? (await import('../../capture/thread/reader-thread.js')).startReaderThread(args.file) : undefined;
    const { printExchangeBatches, printEntryBatches } = await import('../print.js');
    if (plan.mode === 'shards') return printEntryBatches(shardedEntries(args.file, args.format, plan.shards, onWarning, redaction), args.format, out);
    // Batches: the pcap path is the one fast enough for a per-exchange await to show.
    const { exchangeBatchesFromPcapFile } = await import('../../capture/input-file.js');
    return printExchangeBatches(exchangeBatchesFromPcapFile(args.file, { onWarning, summary, thread }), args.format, out, redaction);
  }
  const { printExchanges } = await import('../print.js');
  const { openInput } = await import('../stream-input.js');
  const exchanges = await openInput(args.file, stream, openExchanges, { skipInvalid: args['skip-invalid'], onWarning });
  await printExchanges(exchanges, args.format, out, redaction);
}

/** `tcpdump -w - | shadowtap cat -`: stdin's first bytes say whether it is a capture or a JSONL file. */
async function stdinIsCapture(): Promise<boolean> {
  const { isCaptureMagic } = await import('../../capture/pcap/reader.js');
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
  if (!head) return false;
  stdin.unshift(head); // the reader starts from the first byte
  return isCaptureMagic(head);
}
