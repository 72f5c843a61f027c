import type { ReplayArgs } from '../replay/replay-args.js';
import type { ReplaySummary } from '../replay/types.js';
import { replayReportModel } from './from-replay.js';
import { writeJUnit } from './junit.js';
import { writeReport } from './write.js';

/** A replay's report files, the same module as scenario runs: HTML + summary.json in --out DIR, and/or JUnit. */
export async function writeReplayReport(a: ReplayArgs, summary: ReplaySummary, noise: boolean): Promise<void> {
  const roles = noise ? ['primary', 'secondary', 'candidate'] : [];
  const model = replayReportModel(summary, { captures: a.captures, roles });
  if (a.out) process.stderr.write(`report: ${(await writeReport(a.out, model)).html}\n`);
  if (a.junit) await writeJUnit(a.junit, model);
}
