import type { CommandModule } from 'yargs';
import { redactionFrom, withRedactOptions, type RedactArgs } from '../redact-options.js';

interface Args extends RedactArgs {
  input: string;
  output: string;
  'skip-invalid': boolean;
}

export const convertCommand: CommandModule<object, Args> = {
  command: 'convert <input> <output>',
  describe: 'Convert between .jsonl[.gz], .har and GoReplay .gor (by extension); .pcap[ng] as input too',
  builder: (y) =>
    withRedactOptions(y)
      .positional('input', { type: 'string', demandOption: true })
      .positional('output', { type: 'string', demandOption: true })
      .option('skip-invalid', { type: 'boolean', default: false }),
  handler: async (args) => {
    const redaction = redactionFrom(args);
    const { openExchanges } = await import('../../formats/open.js');
    const { writeExchanges } = await import('../../formats/write.js');
    const input = await openExchanges(args.input, { skipInvalid: args['skip-invalid'], onWarning: (m) => process.stderr.write(`warning: ${m}\n`) });
    const n = await writeExchanges(args.output, input, { source: { convertedFrom: args.input }, redaction });
    process.stderr.write(`wrote ${n} exchanges to ${args.output}\n`);
  },
};
