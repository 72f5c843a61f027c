import type { CommandBody } from './index.js';
import { durationFlag, limitDurationFlag, oldSpelling, outputFileFlag } from '../options.js';

interface Args {
  file: string;
  out?: string;
  junit?: string;
  only?: string[];
  json: boolean;
  'base-url'?: string[];
  quiet: boolean;
  progress?: boolean;
  'metrics-remote-write'?: string;
  /** ms, Infinity for "off" */
  'max-lag-p99'?: number;
  'max-loop-delay'?: number;
  coordinator?: string;
  /** ms */
  'barrier-timeout': number;
  'heartbeat-timeout': number;
}

export const runCommand: CommandBody<Args> = {
  builder: (y) =>
    oldSpelling(y, 'report', 'out')
      .example('$0 run scenarios.yaml --out report/ --junit report/junit.xml', 'every scenario; the exit code is the verdict')
      .example('$0 run scenarios.yaml --coordinator redis://redis.internal:6379', 'phases with workers: N run on `shadowtap worker --coordinator …` processes anywhere')
      .example('$0 run scenarios.yaml --only smoke --base-url failfast=http://127.0.0.1:8081', 'one scenario, one configuration at a running service')
      .positional('file', { type: 'string', default: 'scenarios.yaml', describe: 'scenarios file' })
      .option('out', outputFileFlag('out', { describe: 'write DIR/index.html and DIR/summary.json' }))
      .option('junit', outputFileFlag('junit', { describe: 'write JUnit XML here (one testcase per threshold, check and comparison)' }))
      .option('only', { type: 'string', array: true, requiresArg: true, describe: 'run only the named scenario(s)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary (report model) as JSON on stdout' })
      .option('base-url', { type: 'string', array: true, describe: 'NAME=URL: use this URL for configuration NAME (its start command is skipped)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
      .option('metrics-remote-write', { type: 'string', describe: 'stream per-second metrics (rate, latency, errors, lag per run and target) to this Prometheus remote-write URL' })
      .option('progress', { type: 'boolean', describe: 'progress lines on stderr even when it is not a terminal (default there: each run\'s result line)' })
      .option('max-lag-p99', limitDurationFlag('max-lag-p99', { describe: 'validity gate for every scenario: schedule lag p99 beyond this and beyond a fifth of the raw latency p99 makes a run invalid; "off" for no gate (default: each scenario\'s validity.maxLagP99, else 10ms)' }))
      .option('max-loop-delay', limitDurationFlag('max-loop-delay', { describe: 'validity gate for every scenario: generator event-loop delay p99 limit; "off" for no gate' }))
      .group(['coordinator', 'barrier-timeout', 'heartbeat-timeout'], 'Workers (phases with workers: N):')
      .option('coordinator', { type: 'string', describe: 'redis://host:port[/POOL]: hand phases with workers: N to `shadowtap worker --coordinator` processes (same URL) anywhere (default: forked here)' })
      .option('barrier-timeout', durationFlag('barrier-timeout', { above: true, default: '30s', describe: 'a phase\'s workers must join, and be ready, within this long (else exit 3)' }))
      .option('heartbeat-timeout', durationFlag('heartbeat-timeout', { above: true, default: '3s', describe: 'a worker silent this long makes the run invalid (exit 3)' })),
  handler: async (args) => {
    const { InputError } = await import('../../errors.js');
    const baseUrls: Record<string, string> = {};
    for (const kv of args['base-url'] ?? []) {
      const m = /^([^=]+)=(https?:\/\/.+)$/.exec(kv);
      if (!m) throw new InputError(`--base-url ${kv}: expected NAME=http://host:port`);
      baseUrls[m[1]!] = m[2]!;
    }
    const validity = {
      ...(args['max-lag-p99'] !== undefined ? { maxLagP99Ms: args['max-lag-p99'] } : {}),
      ...(args['max-loop-delay'] !== undefined ? { maxEventLoopDelayP99Ms: args['max-loop-delay'] } : {}),
    };
    // A bad or unreachable coordinator is exit 2 before any service starts or any load is sent.
    if (args.coordinator !== undefined) await (await import('../../distributed/redis.js')).checkCoordinator(args.coordinator);
    // Before any load: a run of many minutes must not lose its results to a path it cannot write.
    const { checkOutputPaths } = await import('../output-paths.js');
    await checkOutputPaths([{ flag: '--out', path: args.out, dir: true }, { flag: '--junit', path: args.junit }]);
    const spread = { ...(args.coordinator !== undefined ? { coordinator: args.coordinator } : {}), barrierMs: args['barrier-timeout'], heartbeatTimeoutMs: args['heartbeat-timeout'] };
    const { runScenarioFile } = await import('../../scenarios/run-file.js');
    const model = await runScenarioFile(args.file, { only: args.only, baseUrls, report: args.out, junit: args.junit, quiet: args.quiet, progress: args.progress, metricsRemoteWrite: args['metrics-remote-write'], json: args.json, validity, spread });
    process.exitCode = model.exitCode;
  },
};
