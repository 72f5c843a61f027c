import { described, type CommandBody } from './index.js';
import { durationFlag, rateFlag } from '../options.js';

interface Args {
  'target-group': string;
  url: string;
  target?: string;
  mode: 'graceful' | 'abrupt';
  rate: number;
  path: string;
  /** Durations in ms. */
  before: number;
  after: number;
  'health-url'?: string;
  'health-timeout': number;
  'waiter-min-delay': number;
  'waiter-max-delay': number;
  'waiter-max-wait': number;
  poll: number;
  region?: string;
  'endpoint-url'?: string;
  json: boolean;
  quiet: boolean;
  _: (string | number)[];
}

export const drainCommand: CommandBody<Args> = {
  builder: (y) =>
    y
      .example('$0 drain --target-group web --url http://web-alb/ -- systemctl restart app', 'cycle the first healthy target under 200 req/s')
      .example('$0 drain --target-group web --url http://web-alb/ --mode abrupt -- systemctl restart app', 'no deregistering: the baseline')
      .usage(`$0 drain --target-group TG --url LB_URL [options] -- <restart command and its arguments>\n\n${described('drain')}`)
      .option('target-group', { type: 'string', demandOption: true, describe: 'target group name or ARN' })
      .option('url', { type: 'string', demandOption: true, describe: 'the load balancer URL the load goes through' })
      .option('target', { type: 'string', describe: 'ID or ID:PORT to cycle (default: the first healthy target)' })
      .option('mode', { choices: ['graceful', 'abrupt'] as const, default: 'graceful' as const, describe: 'abrupt: run the command without deregistering (the failure baseline)' })
      .option('rate', rateFlag('rate', { max: 1e6, default: 200, describe: 'open-model load: req/s, or 200/s, 12000/min' }))
      .option('path', { type: 'string', default: '/', describe: 'request path' })
      .option('before', durationFlag('before', { default: '2s', describe: 'load before the cycle' }))
      .option('after', durationFlag('after', { default: '2s', describe: 'load after the cycle' }))
      .option('health-url', { type: 'string', describe: "the target's health URL (default: its address + the group's health check path)" })
      .option('health-timeout', durationFlag('health-timeout', { above: true, default: '2m', describe: 'after the command: how long the target may take to answer its health URL' }))
      .option('waiter-min-delay', durationFlag('waiter-min-delay', { above: true, default: '15s', describe: 'SDK waiter: first poll delay' }))
      .option('waiter-max-delay', durationFlag('waiter-max-delay', { above: true, default: '120s', describe: 'SDK waiter: longest poll delay' }))
      .option('waiter-max-wait', durationFlag('waiter-max-wait', { above: true, default: '15m', describe: 'SDK waiter: give up after' }))
      .option('poll', durationFlag('poll', { min: 10, default: '1s', describe: 'timeline: DescribeTargetHealth interval' }))
      .option('region', { type: 'string', describe: 'AWS region (default: the SDK chain: AWS_REGION, profile)' })
      .option('endpoint-url', { type: 'string', describe: 'ELBv2/EC2 endpoint override (the local endpoint)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress lines on stderr' })
      .epilogue('The command runs without a shell, with TARGET_ID and TARGET_PORT in its environment.\nExit: 0 no request failed; 1 requests failed (counted with timestamps); 2 bad input/AWS access; 3 the cycle itself failed.'),
  handler: async (args) => {
    const { drainUnderLoad } = await import('../../aws/drain-load.js');
    const { drainText, drainJson, eventLine } = await import('../../aws/drain-text.js');
    // Everything after `--` (yargs leaves it in `_`, after the command's own name): argv, no shell.
    const command = args._.slice(1).map(String);
    // Ctrl-C stops the waits and the load; the result still prints, showing where the cycle stopped.
    const ac = new AbortController();
    const t0 = Date.now();
    // A cycle on AWS takes minutes (waiter delays, deregistration delay): say each change as it happens.
    const progress = (e: Parameters<typeof eventLine>[0]): void => void process.stderr.write(`drain ${eventLine(e, t0)}\n`);
    const interrupt = (): void => ac.abort();
    process.once('SIGINT', interrupt);
    const r = await drainUnderLoad({
      url: args.url, rate: args.rate, path: args.path, beforeMs: args.before, afterMs: args.after,
      targetGroup: args['target-group'], target: args.target, mode: args.mode,
      ...(command.length ? { command } : {}),
      ...(args['health-url'] ? { healthUrl: args['health-url'] } : {}),
      healthTimeoutMs: args['health-timeout'],
      waiter: { minDelayMs: args['waiter-min-delay'], maxDelayMs: args['waiter-max-delay'], maxWaitMs: args['waiter-max-wait'] },
      pollMs: args.poll,
      aws: { region: args.region, endpointUrl: args['endpoint-url'] },
    }, { signal: ac.signal, ...(args.quiet ? {} : { onEvent: progress }) }).finally(() => process.off('SIGINT', interrupt));
    process.stdout.write(args.json ? JSON.stringify(drainJson(r), null, 2) + '\n' : drainText(r));
    if (r.cycle.error) throw r.cycle.error;
    if (!r.passed) process.exitCode = 1;
  },
};
