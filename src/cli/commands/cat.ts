import type { CommandModule } from 'yargs';
import type { PlainCat as Args } from '../plain-cat.js';

export const catCommand: CommandModule<object, Args> = {
  command: 'cat <file>',
  describe: 'Print the exchanges of a capture (.jsonl[.gz], .har, .gor, .pcap[ng])',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'capture file, or - for stdin (a pcap/pcapng or JSONL stream)' })
      .option('format', { choices: ['tsv', 'json', 'har'] as const, default: 'tsv' as const, describe: 'tsv: start_us method target status latency_us' })
      .option('skip-invalid', { type: 'boolean', default: false, describe: 'skip malformed lines instead of failing' })
      .option('threads', { type: 'number', default: 0, describe: 'reader threads for a pcap file (0: one per core up to 4 for files of 16 MiB or more; 1: none)' }),
  // yargs-parser reads a lone "-" as an option without a name and leaves the positional empty.
  handler: (args) => runCat({ ...args, file: args.file === '' ? '-' : args.file }),
};

/** The command itself; also run without yargs for the plain form (see plain-cat.ts). */
export async function runCat(args: Args): Promise<void> {
  const { kindOf, openExchanges } = await import('../../formats/open.js');
  const { printExchanges, printExchangeBatches, printEntryBatches } = await import('../print.js');
  const onWarning = (m: string): void => void process.stderr.write(`warning: ${m}\n`);
  if (args.file === '-' ? await stdinIsCapture() : kindOf(args.file) === 'pcap') {
    const { shardCount, shardedEntries } = await import('../cat-shards.js');
    const shards = shardCount(args.file, args.threads);
    if (shards > 1) return printEntryBatches(shardedEntries(args.file, args.format, shards, onWarning), args.format, process.stdout);
    // Batches: the pcap path is the one fast enough for a per-exchange await to show.
    const { exchangeBatchesFromPcapFile } = await import('../../capture/input-file.js');
    return printExchangeBatches(exchangeBatchesFromPcapFile(args.file, { onWarning, summary: args.format === 'tsv' }), args.format, process.stdout);
  }
  const exchanges = await openExchanges(args.file, { skipInvalid: args['skip-invalid'], onWarning });
  await printExchanges(exchanges, args.format, process.stdout);
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
