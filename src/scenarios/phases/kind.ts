import type { z } from 'zod';
import type { PhaseReport } from '../../report/model.js';
import type { MeasuredPhase } from '../measure/phase-report.js';
import type { OpenLoad, PhaseContext } from '../measure/open-phase.js';
import type { PhaseSpec, RequestSpec, ScenarioSpec } from '../spec.js';

/** What every phase has, whatever its kind. */
export interface PhaseCommon {
  name: string;
  requests: RequestSpec[];
  /** `workers: N`: the phase is spread over N local worker processes, with one merged result. */
  workers?: number;
}

/** Normalisation context: what the phase inherits and where relative paths start. */
export interface PhaseDefaults {
  requests: RequestSpec[];
  durationMs: number;
  /** Folder of scenarios.yaml. */
  base: string;
}

/**
 * One kind of load phase, in one file: the YAML it accepts, how it becomes a spec, how it is described
 * and how it runs. `phases/index.ts` lists the kinds; nothing else switches on a phase's kind.
 */
export interface PhaseKind<S extends PhaseSpec = PhaseSpec, F extends z.ZodRawShape = z.ZodRawShape> {
  /** The YAML key that selects this kind; a phase has exactly one. */
  key: S['kind'];
  /** zod fields this kind adds to a phase: its key first, then fields only it accepts. */
  fields: F;
  /** True when it needs `duration:`. */
  needsDuration: boolean;
  /** Open model (a schedule the engine keeps, so an ELB drain can run during it) or closed. */
  open: boolean;
  normalize(p: z.output<z.ZodObject<F>> & { name?: string }, d: PhaseDefaults): S;
  /** "ramp 1 → 120 req/s over 20 s (open model)" */
  describe(s: S): string;
  run(s: S, ctx: PhaseContext): Promise<MeasuredPhase>;
  /** Requests its schedule sends, when known up front: progress is then counted against the schedule, not the clock. */
  plannedRequests?(s: S): number;
  /**
   * Spread over workers (`workers: N`). An open kind gives its schedule, which every worker computes
   * and keeps its share of: striped (request i to worker i mod N) or by recorded session. A closed kind
   * gives each worker its share of the phase (its connections).
   */
  spread: { split: 'stripe' | 'session'; load(s: S): Promise<OpenLoad> } | { share(s: S, index: number, count: number): S };
  /** Adds what only this kind reports (a ramp's knee). */
  annotate?(report: PhaseReport, s: S, scenario: ScenarioSpec): void;
}

/** "20 s" */
export const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
