import type { CommandBody } from './index.js';
import { redactionFrom, withRedactOptions, type RedactArgs } from '../redact-options.js';
import type { Sink } from '../../io/sink.js';
import { durationFlag, sizeFlag, wholeFlag } from '../options.js';
import { rotatingOutput, withRotationOptions, type RotationArgs } from '../rotation-options.js';

interface Args extends RedactArgs, RotationArgs {
  listen: string;
  upstream: string;
  out: string;
  'max-body': number;
  queue: number;
  'request-timeout': number;
}

export const recordCommand: CommandBody<Args> = {
  builder: (y) =>
    withRotationOptions(withRedactOptions(y))
      .example('$0 record --listen 127.0.0.1:8080 --upstream http://127.0.0.1:9000 --out traffic.jsonl.gz', 'clients call :8080; the service on :9000 answers')
      .option('listen', { type: 'string', demandOption: true, describe: 'HOST:PORT to listen on (port 0: any free port, printed on stderr)' })
      .option('upstream', { type: 'string', demandOption: true, describe: 'URL of the real service' })
      .option('out', { type: 'string', demandOption: true, describe: 'capture file (.jsonl or .jsonl.gz, mode 0600), redis://host:port/STREAM, or a directory with --rotate-size/--rotate-every' })
      .option('max-body', sizeFlag('max-body', { default: '1MiB', describe: 'body bytes kept per message (65536, 64KiB, 1MiB)' }))
      .option('queue', wholeFlag('queue', { min: 1, max: 10_000_000, default: 10_000, describe: 'exchanges waiting for the writer at most; beyond, dropped and counted' }))
      .option('request-timeout', durationFlag('request-timeout', { above: true, default: '300s', describe: 'time a request (head and body) may take to arrive; a slower one is cut, answered 408 and counted' })),
  handler: async (args) => {
    const { openProxy } = await import('../../io/inputs/proxy.js');
    const { OUTPUTS, pick } = await import('../../io/registry.js');
    const { openSinkFor } = await import('../../io/open.js');
    const { pump } = await import('../../io/pump.js');
    const { InputError } = await import('../../errors.js');
    const rotating = rotatingOutput(args, { file: false, command: 'record' });
    if (!rotating && !['jsonl', 'redis'].includes(pick(OUTPUTS, args.out, 'output').kind)) throw new InputError(`--out ${args.out}: record writes .jsonl, .jsonl.gz, redis://host:port/STREAM or rotating files (--rotate-size, --rotate-every)`);
    const redaction = redactionFrom(args);
    const proxy = { upstream: args.upstream, queueCapacity: args.queue, requestTimeoutMs: args['request-timeout'] };
    const source = await openProxy(args.listen, { maxBodyBytes: args['max-body'], proxy });
    // Forwarding without recording would look like success: an output it cannot open stops the proxy.
    const sink = await openSinkFor(source, '--out', args.out, { redaction, origin: source.origin, ...rotating });
    // Before the "listening" line: whoever reads it may signal at once.
    // A second signal calls stop again, which cuts what is still in flight at once: the run still ends
    // with its summary line and exit code (with `once`, Node's default killed it: 130, no summary).
    const stop = (): void => void source.stop();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    const shown = source.host.includes(':') ? `[${source.host}]` : source.host;
    process.stderr.write(`record: listening on http://${shown}:${source.port} -> ${String(source.origin.upstream)}, writing ${sink.name}\n`);
    // Exchanges the writer refused once the file failed (a full disk): forwarding goes on regardless.
    let unrecorded = 0;
    let recorded = 0;
    // Periodic lines say "so far": only the last line is the summary.
    const line = (soFar = ''): string => {
      const s = source.stats();
      return `record:${soFar} ${s.requests} requests, ${recorded} recorded, ${s.dropped} dropped, ${s.upstreamErrors} upstream errors, ${s.clientAborts} client aborts, ${s.requestTimeouts} request timeouts, ${s.cutAtStop} cut at stop, ${unrecorded} not recorded (write errors)${summaryOf(sink)}`;
    };
    const progress = setInterval(() => process.stderr.write(line(' so far') + '\n'), 10_000);
    progress.unref();
    let closeFailure: Error | undefined;
    // Delegation, not a spread: a sink may be a class (rotating files), whose methods a spread leaves behind.
    const file: Sink = {
      name: sink.name,
      flush: () => sink.flush(),
      stats: () => sink.stats(),
      write: async (batch) => {
        await sink.write(batch);
        recorded += batch.length;
      },
      // A failure no later write saw (the last batches, written after their write() resolved) is the
      // close's: reported below, like the others.
      close: () => sink.close().catch((err: Error) => void (closeFailure = err)),
    };
    const onSinkError = (_: Sink, err: Error, batch: readonly unknown[]): boolean => {
      if (unrecorded === 0) process.stderr.write(`record: cannot write ${args.out}: ${err.message}; still forwarding every request, counting what is not recorded\n`);
      unrecorded += batch.length;
      return true;
    };
    try {
      await pump({ source, redaction, sinks: [file], onSinkError });
    } finally {
      clearInterval(progress);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    if (closeFailure && unrecorded === 0) process.stderr.write(`record: cannot write ${args.out}: ${closeFailure.message}\n`);
    process.stderr.write(line() + '\n');
    // The capture is incomplete: say so to whoever runs this.
    if (unrecorded > 0 || closeFailure) process.exitCode = 1;
  },
};

/** A sink's own accounting when it keeps one (a Redis stream: published, dropped, reconnects). */
const summaryOf = (sink: Sink): string => {
  const own = (sink as { summary?: () => string }).summary;
  return own ? `; ${own.call(sink)}` : '';
};
