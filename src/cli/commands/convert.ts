import type { CommandBody } from './index.js';
import { redactionFrom, withRedactOptions, type RedactArgs } from '../redact-options.js';
import { rotatingOutput, withRotationOptions, type RotationArgs } from '../rotation-options.js';

interface Args extends RedactArgs, RotationArgs {
  input: string;
  output: string;
  'skip-invalid': boolean;
}

export const convertCommand: CommandBody<Args> = {
  builder: (y) =>
    withRotationOptions(withRedactOptions(y))
      .example('$0 convert traffic.jsonl.gz traffic.har', "to HAR, for a browser's or another tool's import")
      .example('$0 convert session.har traffic.jsonl.gz', "a browser's HAR export to a capture replay reads")
      .example('$0 convert traffic.pcap.gz traffic.gor', "packets to GoReplay's format")
      .example('$0 convert big.jsonl.gz parts/ --rotate-size 100MiB', 'split into capture files of ~100 MiB')
      .positional('input', { type: 'string', demandOption: true, describe: 'capture to read: .jsonl[.gz], .har, .gor or .pcap[ng] (gzipped too), or - for stdin (a pcap/pcapng or JSONL stream)' })
      .positional('output', { type: 'string', demandOption: true, describe: 'file to write, in the format its extension names: .jsonl, .jsonl.gz, .har, .gor; - for stdout (JSONL); a directory with --rotate-size' })
      .option('skip-invalid', { type: 'boolean', default: false, describe: 'skip malformed lines instead of failing' }),
  handler: async (args) => {
    const redaction = redactionFrom(args);
    const { openSource, OUTPUTS, pick } = await import('../../io/registry.js');
    const { openSinkFor } = await import('../../io/open.js');
    const { pump } = await import('../../io/pump.js');
    // An output it cannot write fails before anything is read or created.
    const rotating = rotatingOutput({ ...args, out: args.output }, { file: true, command: 'convert' });
    if (!rotating) pick(OUTPUTS, args.output, 'output');
    const source = await openSource(args.input, { skipInvalid: args['skip-invalid'], onWarning: (m) => void process.stderr.write(`warning: ${m}\n`) });
    const sink = await openSinkFor(source, 'output', args.output, { redaction, origin: { convertedFrom: args.input }, ...rotating });
    await pump({ source, redaction, sinks: [sink] });
    process.stderr.write(`wrote ${sink.stats().written} exchanges to ${args.output === '-' ? 'stdout' : args.output}\n`);
  },
};
