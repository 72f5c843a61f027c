import type { ReplaySummary } from '../replay/types.js';
import { distributionFromPercentiles } from './distribution.js';
import { REPORT_SCHEMA, type DifferenceRow, type DistributionPoint, type ReportModel, type ValidityReport, type Verdict } from './model.js';
import { exitCodeForVerdict } from './verdict.js';
import { DEFAULT_MAX_ERROR_RATE, judgeReplay } from '../replay/verdict.js';
import { stagingLines } from '../replay/staging/report.js';

export interface ReplayReportOptions {
  captures: string[];
  intervalMs?: number;
  /** Per target index: "primary", "secondary", "candidate"… */
  roles?: Array<string | undefined>;
  /** Per target index: points of the merged latency histogram (distributionFromHistogram); else the summary's percentiles. */
  distributions?: Array<DistributionPoint[] | undefined>;
  /** Further reasons to fail (beyond the summary's own verdict, or the default gates for a summary without one). */
  failures?: string[];
  title?: string;
  toolVersion?: string;
  generatedAt?: string;
}

/** The generator-side view of a run: the worst target's schedule lag and all drops. */
export function validityOf(s: ReplaySummary): ValidityReport {
  const lag = s.targets.map((t) => t.scheduleLag);
  const worst = (k: 'p50' | 'p99' | 'max'): number => Math.max(0, ...lag.map((l) => l[k]));
  return {
    ...s.validity,
    scheduleLag: { p50: worst('p50'), p99: worst('p99'), max: worst('max') },
    dropped: s.targets.reduce((a, t) => a + t.dropped, 0) + (s.validity.skipped ?? 0),
  };
}

function differenceRows(s: ReplaySummary): DifferenceRow[] {
  return (s.differences?.targets ?? []).flatMap((t) => t.fields.map((f) => ({
    target: t.url,
    endpoint: f.endpoint,
    field: f.field,
    count: f.count,
    noise: f.noise === true,
    examples: f.examples,
  })));
}

/** A replay run's summary (`--summary FILE` shape) as a report model, for `shadowtap replay --report DIR`. */
export function replayReportModel(s: ReplaySummary, o: ReplayReportOptions): ReportModel {
  const validity = validityOf(s);
  // The CLI's own decision when the summary carries it; an older summary gets the default gates.
  const judged = s.verdict ?? judgeReplay(s, { maxErrorRate: DEFAULT_MAX_ERROR_RATE, failOnDiff: false });
  const failures = o.failures ?? [];
  const verdict: Verdict = failures.length ? 'fail' : judged.result;
  return {
    schema: REPORT_SCHEMA,
    kind: 'replay',
    title: o.title ?? `Replay of ${o.captures.join(', ')}`,
    generatedAt: o.generatedAt ?? new Date().toISOString(),
    source: o.captures.join(', '),
    ...(o.toolVersion ? { toolVersion: o.toolVersion } : {}),
    verdict,
    exitCode: exitCodeForVerdict(verdict),
    reasons: [...judged.reasons, ...failures],
    scenarios: [],
    replay: {
      captures: o.captures,
      intervalMs: o.intervalMs ?? 1000,
      ...(s.input ? { input: s.input } : {}),
      summary: {
        startedAt: s.startedAt,
        durationMs: s.durationMs,
        validity,
        ...(s.workers ? { workers: s.workers } : {}),
        targets: s.targets.map((t, i) => ({
          ...t,
          ...(o.roles?.[i] ? { role: o.roles[i] } : {}),
          distribution: o.distributions?.[i] ?? distributionFromPercentiles(t.latency),
        })),
      },
      differences: differenceRows(s),
      ...(s.differences ? { differingRequests: { differing: s.differences.targets.reduce((n, t) => n + t.regressions, 0), compared: s.differences.targets.reduce((n, t) => n + t.compared, 0) } } : {}),
      thresholds: judged.checks,
      differencesFail: judged.differencesFail || failures.length > 0,
      ...(s.staging ? { staging: stagingLines(s.staging) } : {}),
    },
  };
}
