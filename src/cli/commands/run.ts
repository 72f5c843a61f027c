import type { CommandModule } from 'yargs';

interface Args {
  file: string;
  report?: string;
  junit?: string;
  only?: string[];
  json: boolean;
  'base-url'?: string[];
  quiet: boolean;
}

export const runCommand: CommandModule<object, Args> = {
  command: 'run [file]',
  describe: 'Run scenarios (smoke checks, load phases, thresholds, A/B comparisons) from scenarios.yaml',
  builder: (y) =>
    y
      .positional('file', { type: 'string', default: 'scenarios.yaml', describe: 'scenarios file' })
      .option('report', { type: 'string', describe: 'write DIR/index.html and DIR/summary.json' })
      .option('junit', { type: 'string', describe: 'write JUnit XML here (one testcase per threshold, check and comparison)' })
      .option('only', { type: 'string', array: true, describe: 'run only the named scenario(s)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary (report model) as JSON on stdout' })
      .option('base-url', { type: 'string', array: true, describe: 'NAME=URL: use this URL for configuration NAME (its start command is skipped)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' }),
  handler: async (args) => {
    const { InputError } = await import('../../errors.js');
    const baseUrls: Record<string, string> = {};
    for (const kv of args['base-url'] ?? []) {
      const m = /^([^=]+)=(https?:\/\/.+)$/.exec(kv);
      if (!m) throw new InputError(`--base-url ${kv}: expected NAME=http://host:port`);
      baseUrls[m[1]!] = m[2]!;
    }
    const { runScenarioFile } = await import('../../scenarios/run-file.js');
    const model = await runScenarioFile(args.file, { only: args.only, baseUrls, report: args.report, junit: args.junit, quiet: args.quiet, json: args.json });
    process.exitCode = model.exitCode;
  },
};
