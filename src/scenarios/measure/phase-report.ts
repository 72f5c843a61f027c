import type { PhaseReport, PhaseStats, ValidityReport } from '../../report/model.js';
import type { RunValidity, TargetSummary } from '../../replay/types.js';
import type { PhaseKind } from '../phases/kind.js';
import type { PhaseSpec, ScenarioSpec } from '../spec.js';
import type { Outcomes } from './outcomes.js';

/** A phase as reported, plus the latency sample (ms) a comparison resamples. */
export interface MeasuredPhase {
  report: PhaseReport;
  sample: number[];
}

/**
 * The engine's (or autocannon's) summary in scenario terms: latency, per-interval and per-endpoint
 * numbers come from the Outcomes (where a 5xx is a failed request); lag, raw latency and validity
 * stay the generator's.
 */
export function phaseReport<S extends PhaseSpec>(o: {
  kind: PhaseKind<S>;
  spec: S;
  scenario: ScenarioSpec;
  repeat?: number;
  summary: TargetSummary;
  validity: RunValidity;
  outcomes: Outcomes;
  durationMs: number;
}): MeasuredPhase {
  const { spec, outcomes } = o;
  const stats: PhaseStats = {
    ...o.summary,
    requests: outcomes.total.offered,
    achievedRate: outcomes.achievedRate(),
    latency: outcomes.latency(),
    endpoints: outcomes.endpointStats(),
    intervals: outcomes.intervalStats(),
  };
  const validity: ValidityReport = { ...o.validity, scheduleLag: o.summary.scheduleLag, dropped: o.summary.dropped };
  const report: PhaseReport = {
    name: spec.name,
    kind: spec.kind,
    ...(o.repeat !== undefined ? { repeat: o.repeat } : {}),
    description: o.kind.describe(spec),
    durationMs: Math.round(o.durationMs),
    intervalMs: outcomes.intervalMs,
    stats,
    distribution: outcomes.distribution(),
    validity,
  };
  o.kind.annotate?.(report, spec, o.scenario);
  return { report, sample: outcomes.sample.values };
}
