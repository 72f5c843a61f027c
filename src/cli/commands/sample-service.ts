import type { CommandBody } from './index.js';
import { readSettings } from '../../config/settings.js';
import { decimalFlag, durationFlag, wholeFlag } from '../options.js';

interface Args {
  port: number;
  host: string;
  threads: number;
  mode: 'fail-fast' | 'queue';
  queue: number;
  'build-version': string;
  maintenance: boolean;
  'latency-factor': number;
  'render-ms': number;
  'admin-token'?: string;
}

export const sampleServiceCommand: CommandBody<Args> = {
  builder: (y) =>
    y
      .example('$0 sample-service --port 8080', '20 threads, 503 when all are busy; the URL is printed')
      .example('$0 sample-service --port 8081 --mode queue --queue 100 --latency-factor 1.3', 'a queueing, 30 % slower build')
      .option('port', wholeFlag('port', { max: 65535, default: 0, describe: 'listen port (0 = any free port; the URL is printed)' }))
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'listen address' })
      .option('threads', wholeFlag('threads', { min: 1, max: 100_000, default: 20, describe: 'requests served at once' }))
      .option('mode', { choices: ['fail-fast', 'queue'] as const, default: 'fail-fast' as const, describe: 'when all threads are busy: 503 at once, or wait in a bounded queue' })
      .option('queue', wholeFlag('queue', { max: 10_000_000, default: 100, describe: 'queue length in queue mode (503 when full)' }))
      .option('build-version', { type: 'string', default: '0.0.0-dev', describe: 'the version /health reports (tells configurations apart)' })
      .option('maintenance', { type: 'boolean', default: false, describe: 'start in maintenance mode' })
      .option('latency-factor', decimalFlag('latency-factor', { max: 1000, default: 1, describe: 'multiply work time (1.3 = 30 % slower)' }))
      .option('render-ms', durationFlag('render-ms', { bare: 'ms', bareNote: false, max: 60_000, default: 5, describe: 'work time of /render (a bare number is ms)' }))
      .option('admin-token', { type: 'string', describe: 'bearer token for POST /admin/maintenance (default: $SHADOWTAP_ADMIN_TOKEN or random, printed on stderr)' }),
  handler: async (args) => {
    const { startSampleService } = await import('../../service/app.js');
    const given = args['admin-token'] ?? readSettings().adminToken;
    // A listen error names the flag it comes from: the port in use, or an address this host does not have.
    const { InputError } = await import('../../errors.js');
    const svc = await startSampleService({
      port: args.port,
      host: args.host,
      threads: args.threads,
      mode: args.mode,
      queue: args.queue,
      buildVersion: args['build-version'],
      maintenance: args.maintenance,
      latencyFactor: args['latency-factor'],
      renderMs: args['render-ms'],
      adminToken: given,
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.syscall !== 'listen' && err.syscall !== 'getaddrinfo') throw err;
      const flag = err.code === 'EADDRINUSE' || err.code === 'EACCES' ? `--port ${args.port}` : `--host ${args.host}`;
      throw new InputError(`${flag}: cannot listen (${err.code ?? err.message})`);
    });
    // The first line on stdout is the URL: the scenario runner reads it when it starts this command.
    process.stdout.write(`${svc.url}\n`);
    process.stderr.write(`sample-service: ${args.threads} threads, ${args.mode}${args.mode === 'queue' ? ` (queue ${args.queue})` : ''}${given ? '' : `, admin token ${svc.adminToken}`}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => void svc.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
