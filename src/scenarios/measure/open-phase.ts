import { runLoad } from '../../replay/engine.js';
import { buildStaging } from '../../replay/staging/build.js';
import type { StagingSource } from '../../replay/staging/config.js';
import type { ProgressSnapshot, RequestResult, RunOptions, ScheduledRequest } from '../../replay/types.js';
import type { PhaseKind } from '../phases/kind.js';
import type { PhaseSpec, ScenarioSpec } from '../spec.js';
import { Outcomes } from './outcomes.js';
import { phaseReport, type MeasuredPhase } from './phase-report.js';

export interface LoadTarget {
  baseUrl: string;
  proxy?: string;
  headers: { name: string; value: string }[];
  connections: number;
  staging?: StagingSource;
}

export interface PhaseContext {
  scenario: ScenarioSpec;
  target: LoadTarget;
  repeat?: number;
  onProgress?: (p: ProgressSnapshot) => void;
  signal?: AbortSignal;
  /** Also told every result (the ELB drain step counts failures with their times). */
  onResult?: (r: RequestResult) => void;
}

/** What an open-model phase offers: its schedule, and its length when the schedule has a fixed one. */
export interface OpenLoad {
  schedule: AsyncIterable<ScheduledRequest> | Iterable<ScheduledRequest>;
  durationMs?: number;
}

/** What measuring a phase needs of its scenario (all a worker is sent). */
export type PhaseSettings = Pick<ScenarioSpec, 'name' | 'intervalMs' | 'validity'>;

/** The engine's options for an open-model phase: one target, the scenario's interval and limits, every result an outcome. */
export async function openRunOptions(load: OpenLoad, t: LoadTarget, s: PhaseSettings, outcomes: Outcomes, onResult?: (r: RequestResult) => void): Promise<RunOptions> {
  const stage = t.staging ? await buildStaging([t.baseUrl], [t.staging], {}) : undefined;
  return {
    schedule: load.schedule,
    targets: [{ url: t.baseUrl, proxy: t.proxy, headers: t.headers, connections: t.connections }],
    intervalMs: s.intervalMs,
    validity: s.validity,
    onResult: (r) => {
      outcomes.record(r);
      onResult?.(r);
    },
    ...(stage ? { stage } : {}),
  };
}

/** An open-model phase (rate, ramp, replay) through the replay engine: sends on schedule, measures from intended time. */
export async function runOpenPhase<S extends PhaseSpec>(kind: PhaseKind<S>, p: S, load: OpenLoad, ctx: PhaseContext): Promise<MeasuredPhase> {
  const outcomes = new Outcomes(ctx.scenario.intervalMs);
  const summary = await runLoad({
    ...(await openRunOptions(load, ctx.target, ctx.scenario, outcomes, ctx.onResult)),
    // The engine counts transport errors; a scenario also counts 4xx/5xx answers as failed.
    ...(ctx.onProgress ? { onProgress: (snap) => ctx.onProgress!({ ...snap, errors: outcomes.total.failed }) } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const durationMs = load.durationMs ?? summary.durationMs;
  return phaseReport({ kind, spec: p, scenario: ctx.scenario, repeat: ctx.repeat, summary: summary.targets[0]!, validity: summary.validity, outcomes, durationMs });
}
