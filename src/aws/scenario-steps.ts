/** The two calls the scenario runner makes: `gateHealthy` before load, `drainDuringPhase` around one load phase. */
import type { RequestResult } from '../replay/types.js';
import type { ThresholdResult, TimelineEvent as ReportTimelineEvent } from '../report/model.js';
import { requireHealthy } from './health-gate.js';
import { runDrainCycle, type DrainCycleResult } from './drain.js';
import { isFailure } from './drain-load.js';
import type { TimelineEvent } from './timeline.js';
import { eventLine } from './drain-text.js';
import { ms, type DrainStep, type RequireHealthyStep } from './step-schemas.js';
import type { AwsOptions } from './client.js';
import type { TargetRow } from './discover.js';

/** For embedders and tests: static credentials, an in-process restart instead of / before `command`. */
export interface StepExtras {
  aws?: AwsOptions;
  action?: (t: TargetRow) => Promise<void>;
  signal?: AbortSignal;
  /** Progress: each timeline event as it happens, as a line (`drain +3.2s 10.0.1.12:8080 draining …`). */
  log?: (line: string) => void;
}

const awsOf = (s: { region?: string; endpointUrl?: string }, x: StepExtras = {}): AwsOptions =>
  ({ ...x.aws, ...(s.region ? { region: s.region } : {}), ...(s.endpointUrl ? { endpointUrl: s.endpointUrl } : {}) });

/** Throws InvalidRunError (exit 3) naming the group and its unhealthy targets; returns a progress line. */
export async function gateHealthy(step: RequireHealthyStep, x: StepExtras = {}): Promise<string> {
  const r = await requireHealthy({ targetGroup: step.targetGroup, loadBalancer: step.loadBalancer, minHealthy: step.minHealthy, waitMs: ms(step.wait, 0), aws: awsOf(step, x) });
  return `target group ${step.targetGroup}: ${r.healthy.length} healthy (need ${step.minHealthy})`;
}

/**
 * Chart markers (ms since the phase started) from a drain timeline: the targets' state changes and the
 * command. The steps that only restate a change (deregister ≈ draining, register ≈ initial) and the
 * states before the cycle stay in the full timeline (CLI, JSON), so the markers stay readable.
 */
export function reportTimeline(events: TimelineEvent[], phaseStart: number, cycled: string): ReportTimelineEvent[] {
  return events.filter((e) => !e.initial && (e.kind === 'state' || e.name === 'command' || e.name === 'error')).map((e) => ({
    atMs: Math.max(0, e.at - phaseStart),
    label: e.kind === 'state' ? (e.target === cycled ? 'target' : e.target) : e.name,
    ...(e.kind === 'state' ? { state: e.name } : {}),
  }));
}

export interface DrainDuringPhase<T> {
  measured: T;
  cycle: DrainCycleResult;
  timeline: ReportTimelineEvent[];
  failures: { count: number; atMs: number[] };
  threshold: ThresholdResult;
  /** Why the scenario is invalid (the cycle failed or outlasted the phase), if so. */
  invalid?: string;
}

/**
 * Run the drain cycle `at` into a load phase. `runPhase` is the runner's own phase, given an extra
 * result listener: the failures are the phase's own requests through the load balancer.
 */
export async function drainDuringPhase<T>(step: DrainStep, where: { configuration: string; phase: string }, runPhase: (onResult: (r: RequestResult) => void) => Promise<T>, x: StepExtras = {}): Promise<DrainDuringPhase<T>> {
  const atMs: number[] = [];
  let count = 0;
  // The load's clock starts inside runPhase (after its warm-up): learn its epoch from the first result
  // (completed now, sent rawLatency ago) so that markers and failures share the report's time axis.
  let phaseStart = Date.now();
  let clockKnown = false;
  let phaseEnded = 0;
  const phase = runPhase((r) => {
    if (!clockKnown) {
      phaseStart = Date.now() - r.rawLatencyUs / 1000 - r.sentUs / 1000;
      clockKnown = true;
    }
    if (!isFailure(r)) return;
    count++;
    if (atMs.length < 1000) atMs.push(Math.round(r.sentUs / 1000));
  }).finally(() => (phaseEnded = Date.now()));
  await new Promise((r) => setTimeout(r, ms(step.at, 2000)));
  const cycle = await runDrainCycle({
    targetGroup: step.targetGroup, loadBalancer: step.loadBalancer, target: step.target, mode: step.mode, command: step.command, healthUrl: step.healthUrl,
    healthTimeoutMs: ms(step.healthTimeout, 120_000), pollMs: ms(step.poll, 1000), aws: awsOf(step, x),
    waiter: { minDelayMs: ms(step.waiterMinDelay, 15_000), maxDelayMs: ms(step.waiterMaxDelay, 120_000), maxWaitMs: ms(step.waiterMaxWait, 900_000) },
  }, { action: x.action, signal: x.signal, ...(x.log ? { onEvent: (e: TimelineEvent) => x.log!(`drain ${eventLine(e, phaseStart)}`) } : {}) });
  const measured = await phase;
  atMs.sort((a, b) => a - b);
  const outlasted = cycle.endedAt > phaseEnded;
  const invalid = cycle.error ? `drain of ${cycle.target}: ${cycle.error.message}`
    : outlasted ? `the drain cycle of ${cycle.target} outlasted the "${where.phase}" phase: lengthen its duration` : undefined;
  const threshold: ThresholdResult = {
    metric: 'drain.failedRequests', ...where, op: '==', limit: 0, actual: count, unit: 'count', pass: count === 0,
    message: count ? `${count} request(s) failed through the load balancer during the ${cycle.mode} cycle of ${cycle.target} (first at ${atMs[0]} ms, last at ${atMs.at(-1)} ms)`
      : `${cycle.mode} cycle of ${cycle.target}: no request failed`,
  };
  return { measured, cycle, timeline: reportTimeline(cycle.timeline, phaseStart, cycle.target), failures: { count, atMs }, threshold, ...(invalid ? { invalid } : {}) };
}
