import type { CommandBody } from './index.js';
import { oldSpelling } from '../options.js';

interface Args {
  out: string;
  file?: string;
  quiet: boolean;
}

export const demoCommand: CommandBody<Args> = {
  builder: (y) =>
    oldSpelling(y, 'report', 'out')
      .example('$0 demo', 'two configurations of the sample service, the shipped scenarios.yaml, shadowtap-demo-report/index.html')
      .example('$0 demo --out /tmp/demo --quiet', 'elsewhere, without progress lines')
      .option('out', { type: 'string', default: 'shadowtap-demo-report', describe: 'report directory' })
      .option('file', { type: 'string', describe: 'scenarios file (default: the scenarios.yaml shipped with shadowtap)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress on stderr' }),
  handler: async (args) => {
    const { fileURLToPath } = await import('node:url');
    const { resolve } = await import('node:path');
    const { startSampleService } = await import('../../service/app.js');
    const { runScenarioFile } = await import('../../scenarios/run-file.js');
    const file = args.file ?? fileURLToPath(new URL('../../../scenarios.yaml', import.meta.url));
    // The same app twice, differing only in what it does when all 20 threads are busy.
    const failfast = await startSampleService({ threads: 20, mode: 'fail-fast', buildVersion: 'demo-failfast' });
    const queueing = await startSampleService({ threads: 20, mode: 'queue', queue: 100, buildVersion: 'demo-queueing' });
    try {
      process.stderr.write(`demo: fail-fast service ${failfast.url}, queueing service ${queueing.url}\n`);
      const report = resolve(args.out);
      const model = await runScenarioFile(file, { baseUrls: { failfast: failfast.url, queueing: queueing.url }, report, quiet: args.quiet });
      process.stdout.write(`report: ${resolve(report, 'index.html')}\n`);
      process.exitCode = model.exitCode;
    } finally {
      await Promise.all([failfast.close(), queueing.close()]);
    }
  },
};
