import type { DifferenceCount, DifferenceReport } from '../replay/types.js';

/** Example pairs kept per endpoint × field, as one process keeps (replay/compare/tally.ts). */
const EXAMPLES = 3;

type TargetDiff = DifferenceReport['targets'][number];

/**
 * The workers' comparisons as one: each request was compared on exactly one worker, so counts add;
 * rows join on endpoint × field; in noise mode a field is noise when primary and secondary differed
 * there at least half as often as the candidate did, recomputed from the summed counts (as one process
 * decides it), never or-ed from the workers' own verdicts.
 */
export function mergeDifferences(reports: readonly DifferenceReport[]): DifferenceReport | undefined {
  const [first] = reports;
  if (!first) return undefined;
  const noiseMode = first.mode === 'noise';
  const targets = first.targets.map((t, i): TargetDiff => {
    const parts = reports.map((r) => r.targets[i]).filter((x): x is TargetDiff => x !== undefined);
    const rows = new Map<string, DifferenceCount>();
    const uncompared = new Map<string, number>();
    for (const p of parts) {
      for (const f of p.fields) {
        const key = `${f.endpoint}\u0000${f.field}`;
        const row = rows.get(key) ?? { endpoint: f.endpoint, field: f.field, count: 0, ...(noiseMode ? { noiseCount: 0 } : {}), examples: [] };
        rows.set(key, row);
        row.count += f.count;
        if (noiseMode) row.noiseCount! += f.noiseCount ?? 0;
        row.examples.push(...f.examples.slice(0, EXAMPLES - row.examples.length));
      }
      for (const r of p.notCompared?.reasons ?? []) uncompared.set(r.reason, (uncompared.get(r.reason) ?? 0) + r.count);
    }
    const fields = [...rows.values()].sort((a, b) => b.count - a.count);
    if (noiseMode) for (const r of fields) r.noise = (r.noiseCount ?? 0) > 0 && (r.noiseCount ?? 0) * 2 >= r.count;
    const sum = (k: 'compared' | 'differing' | 'regressions'): number => parts.reduce((n, p) => n + p[k], 0);
    const reasons = [...uncompared].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
    return {
      target: t.target,
      url: t.url,
      compared: sum('compared'),
      differing: sum('differing'),
      regressions: sum('regressions'),
      fields,
      ...(reasons.length ? { notCompared: { count: reasons.reduce((n, r) => n + r.count, 0), reasons } } : {}),
    };
  });
  return { mode: first.mode, targets };
}
