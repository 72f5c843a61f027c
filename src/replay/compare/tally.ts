import type { DifferenceCount, DifferenceReport, FieldDifference, NotCompared } from '../types.js';

/** One target's part of a difference report. */
export type TargetDifferences = DifferenceReport['targets'][number];

const EXAMPLES = 3;
/**
 * Distinct endpoint×field keys kept per target; beyond, the endpoint is "other" and the field kept (a
 * service with many file names still says what differs), up to OTHER_FIELDS such rows; beyond those
 * too, one "other other" row (JSON paths into arrays can fan fields out without end).
 */
const MAX_KEYS = 500;
const OTHER_FIELDS = 50;

/** Counts differences per endpoint and field for one compared target, with a few example pairs. */
export class DifferenceTally {
  compared = 0;
  differing = 0;
  regressions = 0;
  private readonly rows = new Map<string, DifferenceCount>();
  private otherRows = 0;
  private readonly uncompared = new Map<string, number>();

  constructor(
    readonly target: number,
    readonly url: string,
  ) {}

  /** One compared request: `diffs` against the reference, `noise` the fields that are noise for it. */
  add(id: string, endpoint: string, diffs: FieldDifference[], noise?: FieldDifference[]): void {
    this.compared++;
    if (diffs.length) this.differing++;
    if (!noise?.length) {
      if (diffs.length) this.regressions++;
    } else {
      const noisy = new Set(noise.map((d) => d.field));
      if (diffs.some((d) => !noisy.has(d.field))) this.regressions++;
    }
    for (const d of diffs) {
      const row = this.row(endpoint, d.field);
      row.count++;
      if (row.examples.length < EXAMPLES) row.examples.push({ id, expected: d.expected, actual: d.actual });
    }
    for (const d of noise ?? []) this.row(endpoint, d.field).noiseCount! += 1;
  }

  /**
   * Another tally's report of the same target (a worker's share of a spread run): each request was
   * compared by exactly one of them, so counts add; rows join on endpoint × field with their examples.
   */
  absorb(part: TargetDifferences): void {
    this.compared += part.compared;
    this.differing += part.differing;
    this.regressions += part.regressions;
    for (const f of part.fields) {
      const row = this.row(f.endpoint, f.field);
      row.count += f.count;
      row.noiseCount! += f.noiseCount ?? 0;
      row.examples.push(...f.examples.slice(0, EXAMPLES - row.examples.length));
    }
    for (const r of part.notCompared?.reasons ?? []) this.notCompared(r.reason, r.count);
  }

  /** This target's part of the report; in noise mode a field's noise is decided from the counts here. */
  report(noiseMode: boolean): TargetDifferences {
    const fields = this.fields(noiseMode);
    if (!noiseMode) for (const f of fields) delete f.noiseCount;
    const notCompared = this.notComparedReport();
    return { target: this.target, url: this.url, compared: this.compared, differing: this.differing, regressions: noiseMode ? this.regressions : this.differing, fields, ...(notCompared ? { notCompared } : {}) };
  }

  /** One request that could not be compared, and why. */
  notCompared(reason: string, n = 1): void {
    this.uncompared.set(reason, (this.uncompared.get(reason) ?? 0) + n);
  }

  /** Requests not compared by reason (most first); undefined when every request was compared. */
  notComparedReport(): NotCompared | undefined {
    const reasons = [...this.uncompared].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
    return reasons.length ? { count: reasons.reduce((n, r) => n + r.count, 0), reasons } : undefined;
  }

  /** Rows by count; in noise mode a field is noise when primary and secondary differ there at least half as often. */
  fields(noiseMode: boolean): DifferenceCount[] {
    const rows = [...this.rows.values()];
    if (noiseMode) for (const r of rows) r.noise = (r.noiseCount ?? 0) > 0 && (r.noiseCount ?? 0) * 2 >= r.count;
    return rows.filter((r) => r.count > 0 || !noiseMode || (r.noiseCount ?? 0) > 0).sort((a, b) => b.count - a.count);
  }

  private row(endpoint: string, field: string): DifferenceCount {
    const key = `${endpoint}\u0000${field}`;
    let row = this.rows.get(key);
    if (!row) {
      if (this.rows.size >= MAX_KEYS && endpoint !== 'other') return this.row('other', field);
      if (endpoint === 'other' && field !== 'other' && this.otherRows >= OTHER_FIELDS) return this.row('other', 'other');
      if (endpoint === 'other') this.otherRows++;
      row = { endpoint, field, count: 0, noiseCount: 0, examples: [] };
      this.rows.set(key, row);
    }
    return row;
  }
}
