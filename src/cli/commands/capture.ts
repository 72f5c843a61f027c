import type { CommandBody } from './index.js';
import { InputError } from '../../errors.js';
import type { AlbStats } from '../../io/inputs/alb.js';
import type { CaptureStats } from '../../capture/tcp/stream-sink.js';
import { redactionFrom, withRedactOptions } from '../redact-options.js';
import { durationFlag, portsFlag, sizeFlag, wholeFlag } from '../options.js';
import { rotatingOutput, withRotationOptions, type RotationArgs } from '../rotation-options.js';

interface Args extends RotationArgs {
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

export const captureCommand: CommandBody<Args> = {
  builder: (y) =>
    withRotationOptions(withRedactOptions(y))
      .option('read', { alias: 'r', type: 'string', nargs: 1, describe: 'pcap or pcapng file, or - for stdin' })
      .option('interface', { alias: 'i', type: 'string', describe: 'capture live on this interface (runs tcpdump)' })
      .option('port', portsFlag('port', { alias: 'p', default: [] as number[], describe: 'server port(s); others are ignored (repeatable)' }))
      .option('bpf', { type: 'string', describe: 'extra tcpdump filter, and-ed with the ports (live only)' })
      .option('out', { alias: 'o', type: 'string', nargs: 1, demandOption: true, describe: 'output: .jsonl[.gz], .har or .gor (- for stdout jsonl); a directory with --rotate-size/--rotate-every' })
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
      .example('$0 capture --interface eth0 --port 80 --duration 60s --out prod.jsonl.gz', 'live, for a minute')
      .example('$0 capture --interface eth0 --port 80 --out caps/ --rotate-every 1h --max-total 20GiB', 'live, a file an hour, the oldest deleted beyond 20 GiB'),
  handler: async (args) => {
    const redaction = redactionFrom(args);
    const { openSource } = await import('../../io/registry.js');
    const { openSinkFor } = await import('../../io/open.js');
    const { pump } = await import('../../io/pump.js');
    const { countLimit } = await import('../../stages/count-limit.js');
    const alb = args['alb-logs'];
    let shown = 0;
    // An ALB log can have millions of bad lines: the first 20 are printed, the rest only counted.
    const onWarning = (m: string): void => void (alb && shown++ >= 20 ? undefined : process.stderr.write(`warning: ${m}\n`));
    const opts = { onWarning, ports: args.port, maxBodyBytes: args['max-body'], tagHost: true, live: { bpf: args.bpf, bufferKiB: args['buffer-kib'] }, more: alb?.slice(1) };
    const target = alb ? alb[0]! : (args.read ?? args.interface!);
    // --read is packets whatever the file is called (stdin too).
    const kind = alb ? 'alb' : args.read !== undefined ? 'pcap' : 'live';
    const rotating = rotatingOutput(args, { file: kind !== 'live', command: 'capture' });
    const source = await openSource(target, { ...opts, kind });
    const sink = await openSinkFor(source, '--out', args.out, { redaction, origin: source.origin, ...rotating });
    const stages = args['max-exchanges'] !== undefined ? [countLimit(args['max-exchanges'])] : [];
    const stop = (): void => void source.stop();
    const timers: NodeJS.Timeout[] = [];
    if (kind === 'live') {
      if (args.duration !== undefined) timers.push(setTimeout(stop, args.duration));
      // A status line rewritten in place on a terminal (or, with --progress, a line every 10 s): the first
      // once tcpdump listens, each with its kernel drops as of the last poll.
      const { formatProgress } = await import('../../capture/summary.js');
      const tty = process.stderr.isTTY;
      const t0 = Date.now();
      const live = source as typeof source & { ready: Promise<void>; poll: () => void };
      const progress = (): void => {
        live.poll();
        process.stderr.write((tty ? '\r\x1b[K' : '') + formatProgress(source.stats() as CaptureStats, sink.stats().written, (Date.now() - t0) / 1000).trimEnd() + (tty ? '' : '\n'));
      };
      if (tty || args.progress) void live.ready.then(() => (progress(), timers.push(setInterval(progress, tty ? 1000 : 10_000))));
    }
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await pump({ source, stages, redaction, sinks: [sink] });
    } finally {
      for (const t of timers) clearTimeout(t);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    const written = sink.stats().written;
    if (alb) return void process.stderr.write(albSummary(source.stats() as AlbStats, written));
    if (kind === 'live' && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    const { formatSummary } = await import('../../capture/summary.js');
    process.stderr.write(formatSummary(source.stats() as CaptureStats, written));
  },
};

function albSummary(s: AlbStats, written: number): string {
  const at = s.malformed ? ` (first at ${s.malformedAt.slice(0, 5).join(', ')})` : '';
  return `alb logs: ${s.files} files, ${s.lines} lines, ${written} exchanges written, ${s.skipped} without a parsed request, ${s.malformed} malformed${at}\n`;
}
