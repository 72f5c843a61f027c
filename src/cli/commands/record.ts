import type { CommandModule } from 'yargs';
import { redactionFrom, withRedactOptions, type RedactArgs } from '../redact-options.js';
import { durationFlag, sizeFlag, wholeFlag } from '../options.js';
import { withStreamOutputOptions, type StreamOutputArgs } from '../stream-flags.js';

interface Args extends RedactArgs, StreamOutputArgs {
  listen: string;
  upstream: string;
  out: string;
  'max-body': number;
  queue: number;
  'request-timeout': number;
}

export const recordCommand: CommandModule<object, Args> = {
  command: 'record',
  describe: 'Recording reverse proxy: forward every request to --upstream unchanged and record the exchanges',
  builder: (y) =>
    withStreamOutputOptions(withRedactOptions(y))
      .example('$0 record --listen 127.0.0.1:8080 --upstream http://127.0.0.1:9000 --out traffic.jsonl.gz', 'clients call :8080; the service on :9000 answers')
      .option('listen', { type: 'string', demandOption: true, describe: 'HOST:PORT to listen on (port 0: any free port, printed on stderr)' })
      .option('upstream', { type: 'string', demandOption: true, describe: 'URL of the real service' })
      .option('out', { type: 'string', demandOption: true, describe: 'capture file (.jsonl or .jsonl.gz, mode 0600), or redis://[user:pass@]host:port/STREAM (rediss:// for TLS)' })
      .option('max-body', sizeFlag('max-body', { default: '1MiB', describe: 'body bytes kept per message (65536, 64KiB, 1MiB)' }))
      .option('queue', wholeFlag('queue', { min: 1, max: 10_000_000, default: 10_000, describe: 'exchanges waiting for the writer at most; beyond, dropped and counted' }))
      .option('request-timeout', durationFlag('request-timeout', { above: true, default: '300s', describe: 'time a request (head and body) may take to arrive; a slower one is cut, answered 408 and counted' })),
  handler: async (args) => {
    const { startRecordingProxy, parseListen } = await import('../../capture/input-proxy.js');
    const { CaptureWriter } = await import('../../formats/capture-file.js');
    const { safeUrl } = await import('../../stages/redact/index.js');
    const { kindOf } = await import('../../formats/open.js');
    const { InputError } = await import('../../errors.js');
    const { isStreamUrl } = await import('../../streams/url.js');
    const toStream = isStreamUrl(args.out);
    if (!toStream && kindOf(args.out) !== 'jsonl') throw new InputError(`--out ${args.out}: record writes .jsonl or .jsonl.gz`);
    const { host, port } = parseListen(args.listen);
    const requestTimeoutMs = args['request-timeout'];
    const redaction = redactionFrom(args);
    const { RedisOutput } = await import('../../io/outputs/redis.js');
    // A bad stream URL is exit 2 before anything listens.
    const stream = toStream ? await RedisOutput.open(args.out, { redaction }, { maxlen: args.maxlen }) : undefined;
    const proxy = await startRecordingProxy({ host, port, upstream: args.upstream, maxBodyBytes: args['max-body'], queueCapacity: args.queue, requestTimeoutMs });
    let writer: ReturnType<typeof CaptureWriter.open> | NonNullable<typeof stream>;
    try {
      writer = stream ?? CaptureWriter.open(args.out, { source: { kind: 'proxy', listen: `${host}:${proxy.port}`, upstream: safeUrl(args.upstream) }, redaction });
    } catch (err) {
      // Forwarding without recording would look like success: refuse to start instead.
      await proxy.close();
      throw new InputError(`--out ${args.out}: cannot write the capture file: ${(err as Error).message}`);
    }
    // Before the "listening" line: whoever reads it may signal at once.
    const stop = (): void => void proxy.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const shown = host.includes(':') ? `[${host}]` : host;
    process.stderr.write(`record: listening on http://${shown}:${proxy.port} -> ${safeUrl(args.upstream)}, writing ${stream?.shown ?? args.out}\n`);
    // Exchanges the writer refused once the file failed (a full disk): forwarding goes on regardless.
    let unrecorded = 0;
    let recorded = 0;
    const line = (): string => {
      const s = proxy.stats();
      return `record: ${s.requests} requests, ${recorded} recorded, ${s.dropped} dropped, ${s.upstreamErrors} upstream errors, ${s.clientAborts} client aborts, ${s.requestTimeouts} request timeouts, ${s.cutAtStop} cut at stop, ${unrecorded} not recorded (write errors)${stream ? `; ${stream.summary()}` : ''}`;
    };
    const progress = setInterval(() => process.stderr.write(line() + '\n'), 10_000);
    progress.unref();
    try {
      let n = 0;
      for await (const ex of proxy.exchanges) {
        await writer.write(ex).then(() => void recorded++, (err: Error) => {
          if (unrecorded++ === 0) process.stderr.write(`record: cannot write ${args.out}: ${err.message}; still forwarding every request, counting what is not recorded\n`);
        });
        // A backlog is served from resolved promises, which would starve the sockets of the requests
        // being proxied: let I/O run every few exchanges.
        if (++n % 32 === 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      clearInterval(progress);
      await writer.close().catch(() => undefined); // its failure was reported when it happened
    }
    process.stderr.write(line() + '\n');
    // The capture is incomplete: say so to whoever runs this.
    if (unrecorded > 0) process.exitCode = 1;
  },
};
