import type { DifferenceReport } from '../replay/types.js';
import { DifferenceTally, type TargetDifferences } from '../replay/compare/tally.js';

/**
 * The workers' comparisons as one, through the tally one process uses: each request was compared on
 * exactly one worker, so counts add; rows join on endpoint × field (under the same row cap); in noise
 * mode a field is noise when primary and secondary differed there at least half as often as the
 * candidate did, decided from the summed counts (as one process decides it), never or-ed from the
 * workers' own verdicts.
 */
export function mergeDifferences(reports: readonly DifferenceReport[]): DifferenceReport | undefined {
  const [first] = reports;
  if (!first) return undefined;
  const targets = first.targets.map((t, i): TargetDifferences => {
    const tally = new DifferenceTally(t.target, t.url);
    for (const r of reports) {
      const part = r.targets[i];
      if (part) tally.absorb(part);
    }
    return tally.report(first.mode === 'noise');
  });
  return { mode: first.mode, targets };
}
