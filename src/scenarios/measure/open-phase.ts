import { runLoad } from '../../replay/engine.js';
import { rampSchedule } from '../../replay/schedule/ramp.js';
import { rateSchedule } from '../../replay/schedule/rate.js';
import { captureSchedule } from '../../replay/schedule/capture.js';
import type { ProgressSnapshot, RequestResult, ScheduledRequest } from '../../replay/types.js';
import { requestMix } from '../mix.js';
import type { PhaseSpec, ScenarioSpec } from '../spec.js';
import { Outcomes } from './outcomes.js';
import { phaseReport, type MeasuredPhase } from './phase-report.js';

export interface LoadTarget {
  baseUrl: string;
  proxy?: string;
  headers: { name: string; value: string }[];
  connections: number;
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

async function scheduleOf(p: Exclude<PhaseSpec, { kind: 'connections' }>): Promise<AsyncIterable<ScheduledRequest> | Iterable<ScheduledRequest>> {
  const make = requestMix(p.requests);
  if (p.kind === 'rate') return rateSchedule({ rate: p.rate, durationMs: p.durationMs, poisson: p.poisson, make });
  if (p.kind === 'ramp') return rampSchedule({ from: p.from, to: p.to, durationMs: p.durationMs, make });
  const { openExchanges } = await import('../../io/open.js');
  await openExchanges(p.capture); // fail here (exit 2, naming the file) rather than mid-run
  // A function, not the iterable: each loop reopens the capture.
  return captureSchedule(async function* () {
    yield* await openExchanges(p.capture);
  }, { speed: p.speed ?? 1, loop: p.loop });
}

/** An open-model phase (rate, ramp, replay) through the replay engine: sends on schedule, measures from intended time. */
export async function runOpenPhase(p: Exclude<PhaseSpec, { kind: 'connections' }>, ctx: PhaseContext): Promise<MeasuredPhase> {
  const outcomes = new Outcomes(ctx.scenario.intervalMs);
  const t = ctx.target;
  const summary = await runLoad({
    schedule: await scheduleOf(p),
    targets: [{ url: t.baseUrl, proxy: t.proxy, headers: t.headers, connections: t.connections }],
    intervalMs: ctx.scenario.intervalMs,
    validity: ctx.scenario.validity,
    onResult: (r) => {
      outcomes.record(r);
      ctx.onResult?.(r);
    },
    // The engine counts transport errors; a scenario also counts 4xx/5xx answers as failed.
    ...(ctx.onProgress ? { onProgress: (snap) => ctx.onProgress!({ ...snap, errors: outcomes.total.failed }) } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const durationMs = p.kind === 'replay' ? summary.durationMs : p.durationMs;
  return phaseReport({ spec: p, scenario: ctx.scenario, repeat: ctx.repeat, summary: summary.targets[0]!, validity: summary.validity, outcomes, durationMs });
}
