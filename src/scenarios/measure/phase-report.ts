import type { PhaseReport, ValidityReport } from '../../report/model.js';
import type { RunValidity, TargetSummary } from '../../replay/types.js';
import { findKnee } from '../knee.js';
import type { PhaseSpec, ScenarioSpec } from '../spec.js';
import type { Outcomes } from './outcomes.js';

/** A phase as reported, plus the latency sample (ms) a comparison resamples. */
export interface MeasuredPhase {
  report: PhaseReport;
  sample: number[];
}

/** "ramp 1 → 120 req/s over 20 s" */
export function describePhase(p: PhaseSpec): string {
  const s = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  switch (p.kind) {
    case 'rate':
      return `${p.poisson ? 'Poisson' : 'constant'} ${p.rate} req/s for ${s(p.durationMs)} (open model)`;
    case 'ramp':
      return `ramp ${p.from} → ${p.to} req/s over ${s(p.durationMs)} (open model)`;
    case 'connections':
      return `${p.connections} connections for ${s(p.durationMs)} (closed model, autocannon)`;
    case 'replay':
      return `replay of ${p.capture}${p.speed ? ` at ${p.speed}×` : ''}${p.loop > 1 ? `, ${p.loop} loops` : ''}`;
  }
}

/**
 * The engine's (or autocannon's) summary in scenario terms: latency, per-interval and per-endpoint
 * numbers come from the Outcomes (where a 5xx is a failed request); lag, raw latency and validity
 * stay the generator's.
 */
export function phaseReport(o: {
  spec: PhaseSpec;
  scenario: ScenarioSpec;
  repeat?: number;
  summary: TargetSummary;
  validity: RunValidity;
  outcomes: Outcomes;
  durationMs: number;
}): MeasuredPhase {
  const { spec, outcomes } = o;
  const stats: TargetSummary = {
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
    description: describePhase(spec),
    intervalMs: outcomes.intervalMs,
    stats,
    distribution: outcomes.distribution(),
    validity,
  };
  if (spec.kind === 'ramp') {
    report.knee = findKnee(stats.intervals, outcomes.intervalMs, spec.durationMs, o.scenario.knee.p99Ms, o.scenario.knee.errorBudget);
    if (report.knee.breakAtMs !== undefined) report.timeline = [{ atMs: report.knee.breakAtMs, label: `knee: ${report.knee.kneeRate ?? '–'} req/s` }];
  }
  return { report, sample: outcomes.sample.values };
}
