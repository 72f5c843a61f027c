import type { CommandModule } from 'yargs';
import { InputError } from '../../errors.js';
import { redactionFrom, withRedactOptions } from '../redact-options.js';
import { durationFlag, portsFlag, sizeFlag, wholeFlag } from '../options.js';

interface Args {
  read?: string;
  interface?: string;
  port: number[];
  bpf?: string;
  out: string;
  /** ms */
  duration?: number;
  progress?: boolean;
  'max-exchanges'?: number;
  'max-body': number;
  redact: boolean;
  'redact-header': string[];
  'redact-query': string[];
  'buffer-kib': number;
  'alb-logs'?: string[];
}

export const captureCommand: CommandModule<object, Args> = {
  command: 'capture',
  describe: 'Turn packets (a pcap/pcapng file, stdin, or live tcpdump) into an exchange file',
  builder: (y) =>
    withRedactOptions(y)
      .option('read', { alias: 'r', type: 'string', nargs: 1, describe: 'pcap or pcapng file, or - for stdin' })
      .option('interface', { alias: 'i', type: 'string', describe: 'capture live on this interface (runs tcpdump)' })
      .option('port', portsFlag('port', { alias: 'p', default: [] as number[], describe: 'server port(s); others are ignored (repeatable)' }))
      .option('bpf', { type: 'string', describe: 'extra tcpdump filter, and-ed with the ports (live only)' })
      .option('out', { alias: 'o', type: 'string', nargs: 1, demandOption: true, describe: 'output: .jsonl[.gz], .har or .gor (- for stdout jsonl)' })
      .option('duration', durationFlag('duration', { above: true, describe: 'stop a live capture after this long (60s, 90s, 1h30m)' }))
      .option('progress', { type: 'boolean', describe: 'live: progress lines (packets, exchanges, kernel drops) even when stderr is not a terminal' })
      .option('max-exchanges', wholeFlag('max-exchanges', { min: 1, describe: 'stop after writing N exchanges' }))
      .option('max-body', sizeFlag('max-body', { default: '1MiB', describe: 'body bytes kept per message (65536, 64KiB, 1MiB)' }))
      .option('buffer-kib', wholeFlag('buffer-kib', { min: 1, max: 4 * 1024 * 1024, default: 32768, describe: 'tcpdump kernel buffer (-B), KiB' }))
      .option('alb-logs', { type: 'string', array: true, describe: 'AWS ALB access log files or directories (plain or .gz) instead of packets' })
      .check((a) => {
        if ([a.read, a.interface, a['alb-logs']].filter((v) => v !== undefined).length !== 1) throw new InputError('give exactly one of --read FILE, --interface IF and --alb-logs FILE|DIR…');
        return true;
      })
      .example('$0 capture --read traffic.pcap --port 8080 --out traffic.jsonl.gz', 'a pcap file, server port 8080')
      .example('$0 capture --interface eth0 --port 80 --duration 60s --out prod.jsonl.gz', 'live, for a minute'),
  handler: async (args) => {
    const redaction = redactionFrom(args);
    if (args['alb-logs']) {
      const { runAlbCapture } = await import('../../capture/alb/run.js');
      return runAlbCapture({ paths: args['alb-logs'], out: args.out, redaction, maxExchanges: args['max-exchanges'] });
    }
    const { runCapture } = await import('../../capture/capture-run.js');
    await runCapture({
      read: args.read,
      iface: args.interface,
      ports: args.port,
      bpf: args.bpf,
      out: args.out,
      durationS: args.duration === undefined ? undefined : args.duration / 1000,
      maxExchanges: args['max-exchanges'],
      maxBodyBytes: args['max-body'],
      redaction,
      bufferKiB: args['buffer-kib'],
      progress: args.progress,
    });
  },
};
