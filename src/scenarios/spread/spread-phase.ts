import { coordinate } from '../../distributed/coordinator.js';
import { encodeJson } from '../../distributed/protocol.js';
import { coordinatorSide } from '../../distributed/transport.js';
import { DEFAULT_LIMITS } from '../../replay/validity.js';
import { closedSummary } from '../measure/closed-phase.js';
import type { PhaseContext } from '../measure/open-phase.js';
import { Outcomes } from '../measure/outcomes.js';
import { absorbOutcomes, type WireOutcomes } from '../measure/outcomes-wire.js';
import { phaseReport, type MeasuredPhase } from '../measure/phase-report.js';
import type { PhaseKind } from '../phases/kind.js';
import type { PhaseSpec } from '../spec.js';
import { PHASE_TASK, type PhaseJob } from './phase-job.js';

/** Where a phase's workers are (`run --coordinator redis://…`; else forked here) and how long they may take. */
export interface SpreadOptions {
  coordinator?: string;
  /** Workers must join and be ready within this long (ms). */
  barrierMs?: number;
  /** One silent this long makes the phase invalid (ms). */
  heartbeatTimeoutMs?: number;
}

/** replay's defaults. */
const BARRIER_MS = 30_000;
const HEARTBEAT_TIMEOUT_MS = 3_000;

/**
 * A phase with `workers: N`: N worker processes (local, or `shadowtap worker`s anywhere taking jobs from
 * the coordinator's Redis) each run their share (striped or by session for an open phase, a share of
 * the connections for a closed one) from one common start; their outcomes
 * merge into the same report a single process writes, so thresholds, A/B verdicts, the HTML report and
 * JUnit read one result. A worker that fails or goes silent makes the run invalid (exit 3, naming it).
 */
export async function runSpreadPhase<S extends PhaseSpec>(kind: PhaseKind<S>, p: S, ctx: PhaseContext, o: SpreadOptions = {}): Promise<MeasuredPhase> {
  const t = ctx.target;
  // The coordinator computes the schedule too (never reads it): a missing capture is exit 2 before any fork.
  const load = 'load' in kind.spread ? await kind.spread.load(p) : undefined;
  const { run, done } = await coordinate({
    transport: await coordinatorSide(o.coordinator),
    count: p.workers!,
    task: PHASE_TASK,
    args: encodeJson({ phase: p, target: t, settings: { name: ctx.scenario.name, intervalMs: ctx.scenario.intervalMs, validity: ctx.scenario.validity } } satisfies PhaseJob),
    split: 'split' in kind.spread ? kind.spread.split : 'stripe',
    barrierMs: o.barrierMs ?? BARRIER_MS,
    heartbeatTimeoutMs: o.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS,
    targets: load ? [t.baseUrl] : [],
    intervalMs: ctx.scenario.intervalMs,
    skipAfterMs: DEFAULT_LIMITS.skipAfterMs,
    paced: true,
    log: () => undefined, // each worker's skew is in the report's Workers table
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const outcomes = new Outcomes(ctx.scenario.intervalMs);
  for (const d of done) absorbOutcomes(outcomes, d.extra as WireOutcomes);
  const summary = load ? run.targets[0]! : closedSummary(t.baseUrl, outcomes, run.durationMs);
  const measured = phaseReport({ kind, spec: p, scenario: ctx.scenario, repeat: ctx.repeat, summary, validity: run.validity, outcomes, durationMs: load?.durationMs ?? run.durationMs });
  if (run.workers) measured.report.workers = run.workers;
  return measured;
}
