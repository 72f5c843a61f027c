import type { CommandModule } from 'yargs';
import { redactionFrom, withRedactOptions, type RedactArgs } from '../redact-options.js';
import { withStreamInputOptions, type StreamInputArgs } from '../stream-flags.js';

interface Args extends RedactArgs, StreamInputArgs {
  input: string;
  output: string;
  'skip-invalid': boolean;
}

export const convertCommand: CommandModule<object, Args> = {
  command: 'convert <input> <output>',
  describe: 'Convert between .jsonl[.gz], .har and GoReplay .gor (by extension); .pcap[ng] as input too',
  builder: (y) =>
    withStreamInputOptions(withRedactOptions(y))
      .example('$0 convert traffic.jsonl.gz traffic.har', "to HAR, for a browser's or another tool's import")
      .example('$0 convert session.har traffic.jsonl.gz', "a browser's HAR export to a capture replay reads")
      .example('$0 convert traffic.pcap.gz traffic.gor', "packets to GoReplay's format")
      .example('$0 convert redis://cache:6379/traffic window.jsonl.gz --from 2026-12-04T10:00:00Z --to 2026-12-04T11:00:00Z', 'a time window of a Redis stream to a file')
      .positional('input', { type: 'string', demandOption: true, describe: 'capture to read: .jsonl[.gz], .har, .gor or .pcap[ng] (gzipped too)' })
      .positional('output', { type: 'string', demandOption: true, describe: 'file to write, in the format its extension names: .jsonl, .jsonl.gz, .har, .gor' })
      .option('skip-invalid', { type: 'boolean', default: false, describe: 'skip malformed lines instead of failing' }),
  handler: async (args) => {
    const redaction = redactionFrom(args);
    const { openExchanges } = await import('../../formats/open.js');
    const { writeExchanges } = await import('../../formats/write.js');
    const { openInput } = await import('../stream-input.js');
    const input = await openInput(args.input, args, openExchanges, { skipInvalid: args['skip-invalid'], onWarning: (m) => process.stderr.write(`warning: ${m}\n`) });
    const n = await writeExchanges(args.output, input, { source: { convertedFrom: (await import('../../stages/redact/index.js')).safeUrl(args.input) }, redaction });
    process.stderr.write(`wrote ${n} exchanges to ${args.output}\n`);
  },
};
