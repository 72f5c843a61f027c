import type { CommandModule } from 'yargs';

interface Args {
  file: string;
  report?: string;
  junit?: string;
  only?: string[];
  json: boolean;
  'base-url'?: string[];
  quiet: boolean;
  'max-lag-p99'?: string;
  'max-loop-delay'?: string;
}

export const runCommand: CommandModule<object, Args> = {
  command: 'run [file]',
  describe: 'Run scenarios (smoke checks, load phases, thresholds, A/B comparisons) from scenarios.yaml',
  builder: (y) =>
    y
      .example('$0 run scenarios.yaml --report report/ --junit report/junit.xml', 'every scenario; the exit code is the verdict')
      .example('$0 run scenarios.yaml --only smoke --base-url failfast=http://127.0.0.1:8081', 'one scenario, one configuration at a running service')
      .positional('file', { type: 'string', default: 'scenarios.yaml', describe: 'scenarios file' })
      .option('report', { type: 'string', describe: 'write DIR/index.html and DIR/summary.json' })
      .option('junit', { type: 'string', describe: 'write JUnit XML here (one testcase per threshold, check and comparison)' })
      .option('only', { type: 'string', array: true, describe: 'run only the named scenario(s)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary (report model) as JSON on stdout' })
      .option('base-url', { type: 'string', array: true, describe: 'NAME=URL: use this URL for configuration NAME (its start command is skipped)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' })
      .option('max-lag-p99', { type: 'string', describe: 'validity gate for every scenario: schedule lag p99 (ms) beyond this and beyond a fifth of the raw latency p99 makes a run invalid; "off" for no gate (default: each scenario\'s validity.maxLagP99, else 10)' })
      .option('max-loop-delay', { type: 'string', describe: 'validity gate for every scenario: generator event-loop delay p99 limit (ms); "off" for no gate' }),
  handler: async (args) => {
    const { InputError } = await import('../../errors.js');
    const baseUrls: Record<string, string> = {};
    for (const kv of args['base-url'] ?? []) {
      const m = /^([^=]+)=(https?:\/\/.+)$/.exec(kv);
      if (!m) throw new InputError(`--base-url ${kv}: expected NAME=http://host:port`);
      baseUrls[m[1]!] = m[2]!;
    }
    const { limitMs } = await import('../replay/gate-flags.js');
    const validity = {
      ...(args['max-lag-p99'] !== undefined ? { maxLagP99Ms: limitMs(args['max-lag-p99'], '--max-lag-p99') } : {}),
      ...(args['max-loop-delay'] !== undefined ? { maxEventLoopDelayP99Ms: limitMs(args['max-loop-delay'], '--max-loop-delay') } : {}),
    };
    const { runScenarioFile } = await import('../../scenarios/run-file.js');
    const model = await runScenarioFile(args.file, { only: args.only, baseUrls, report: args.report, junit: args.junit, quiet: args.quiet, json: args.json, validity });
    process.exitCode = model.exitCode;
  },
};
