import type { CommandBody } from './index.js';
import { outputFileFlag } from '../options.js';

interface Args {
  summary: string;
  against?: string;
  out: string;
  junit?: string;
}

export const reportCommand: CommandBody<Args> = {
  builder: (y) =>
    y
      .example('$0 report report/summary.json --out report-again/', 'the HTML report of a `run --out` again')
      .example('$0 report replay-summary.json --out replay-report/ --junit replay-report/junit.xml', 'from `replay --summary`, with JUnit')
      .example('$0 report yesterday/summary.json today/summary.json --out cmp/', 'today against yesterday, one page, with the A/B verdict')
      .positional('against', { type: 'string', describe: 'a second summary: render both side by side, this one (B) against the first (A)' })
      .positional('summary', { type: 'string', demandOption: true, describe: 'summary.json of `run --out`, or the --summary file of `replay`' })
      .option('out', outputFileFlag('out', { demandOption: true, describe: 'write DIR/index.html and DIR/summary.json' }))
      .option('junit', outputFileFlag('junit', { describe: 'also write JUnit XML here' })),
  handler: async (args) => {
    const { loadReportModel } = await import('../../report/load.js');
    const { writeReport } = await import('../../report/write.js');
    let model = await loadReportModel(args.summary);
    if (args.against) {
      const { comparedModel } = await import('../../report/compare/model.js');
      const { compareSides } = await import('../../scenarios/compare.js');
      model = comparedModel({ file: args.summary, model }, { file: args.against, model: await loadReportModel(args.against) }, compareSides);
    }
    const { html } = await writeReport(args.out, model);
    if (args.junit) {
      const { writeJUnit } = await import('../../report/junit.js');
      await writeJUnit(args.junit, model);
    }
    process.stdout.write(`report: ${html}\nverdict: ${model.verdict} (exit ${model.exitCode})\n`);
    process.exitCode = model.exitCode;
  },
};
