import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import autocannon from 'autocannon';
import { InputError } from '../../errors.js';
import { DEFAULT_LIMITS, ValidityMonitor } from '../../replay/validity.js';
import { percentilesMs } from '../../replay/stats/histogram.js';
import type { ErrorClass, RunValidity, TargetSummary } from '../../replay/types.js';
import { requestMix } from '../mix.js';
import type { ConnectionsPhase } from '../phases/connections.js';
import type { PhaseKind } from '../phases/kind.js';
import { Outcomes } from './outcomes.js';
import { phaseReport, type MeasuredPhase } from './phase-report.js';
import type { LoadTarget, PhaseContext, PhaseSettings } from './open-phase.js';

/** Requests in autocannon's per-connection cycle: enough to hold a weighted mix's proportions. */
const CYCLE = 100;

function errorClass(err: unknown): ErrorClass {
  const code = (err as { code?: string })?.code;
  if (code === 'ECONNREFUSED') return 'connect-refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (/timeout/i.test(String((err as Error)?.message))) return 'headers-timeout';
  return 'other';
}

/** What a closed loop measured: its outcomes, the generator's validity, and how long it ran. */
export interface ClosedMeasure {
  outcomes: Outcomes;
  validity: RunValidity;
  durationMs: number;
}

/**
 * A closed-model phase: N connections each sending its next request when the previous one answers,
 * through autocannon (the real package) — the way to find maximum throughput, not latency under a
 * given arrival rate (closed loops hide server stalls, which the open-model phases are for).
 */
export async function runClosedPhase(kind: PhaseKind<ConnectionsPhase>, p: ConnectionsPhase, ctx: PhaseContext): Promise<MeasuredPhase> {
  const m = await measureClosed(p, ctx.target, ctx.scenario, ctx);
  return phaseReport({ kind, spec: p, scenario: ctx.scenario, repeat: ctx.repeat, summary: closedSummary(ctx.target.baseUrl, m.outcomes, m.durationMs), validity: m.validity, outcomes: m.outcomes, durationMs: m.durationMs });
}

/** Runs the closed loop; `startAt` (a worker's common start) is waited for before the first request. */
export async function measureClosed(p: ConnectionsPhase, t: LoadTarget, s: PhaseSettings, ctx: Pick<PhaseContext, 'onProgress' | 'signal'> & { startAt?: () => Promise<unknown> }): Promise<ClosedMeasure> {
  if (t.proxy) throw new InputError(`scenario ${s.name}: a connections phase cannot go through a proxy (autocannon has none); use a rate or ramp phase`);
  const make = requestMix(p.requests);
  let endpoint = p.requests[0]!.endpoint;
  const requests = Array.from({ length: p.requests.length > 1 ? CYCLE : 1 }, (_, i) => {
    const r = make(i);
    const headers = Object.fromEntries([...r.headers, ...t.headers].map((h) => [h.name, h.value]));
    // Called synchronously just before autocannon emits 'response' for this request: tells us which endpoint it was.
    const onResponse = () => void (endpoint = r.endpoint!);
    return { method: r.method as 'GET', path: r.target, headers, ...(r.body ? { body: Buffer.from(r.body) } : {}), onResponse };
  });
  const outcomes = new Outcomes(s.intervalMs);
  const monitor = new ValidityMonitor(DEFAULT_LIMITS);
  await ctx.startAt?.();
  const t0 = performance.now();
  const sinceUs = (latencyMs: number) => Math.max(0, (performance.now() - t0 - latencyMs) * 1000);
  let finished!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => (finished = (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())));
  const instance = autocannon({ url: t.baseUrl, connections: p.connections, duration: p.durationMs / 1000, requests, timeout: 30 }, (err) => finished(err));
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => outcomes.record({ endpoint, intendedUs: sinceUs(ms), latencyUs: ms * 1000, status }));
  instance.on('reqError', (err: unknown) => outcomes.record({ endpoint, intendedUs: sinceUs(0), latencyUs: 0, error: errorClass(err) }));
  const progress = ctx.onProgress && setInterval(() => ctx.onProgress!({ elapsedMs: performance.now() - t0, scheduled: outcomes.completed, completed: outcomes.completed, errors: outcomes.total.failed, dropped: 0, inFlight: p.connections }), 1000);
  try {
    ctx.signal?.addEventListener('abort', () => instance.stop(), { once: true });
    await done;
  } finally {
    if (progress) clearInterval(progress);
  }
  // No schedule to keep in a closed loop: validity only records the generator's loop delay and CPU.
  return { outcomes, validity: monitor.finish(0, 0, false), durationMs: performance.now() - t0 };
}

/** The generator's summary of a closed loop, from its outcomes: statuses and error kinds as counted per endpoint. */
export function closedSummary(url: string, outcomes: Outcomes, durationMs: number): TargetSummary {
  const statuses: Record<string, number> = {};
  const errors: Partial<Record<ErrorClass, number>> = {};
  for (const { statuses: byKey } of outcomes.endpoints.values()) {
    for (const [k, n] of Object.entries(byKey)) {
      if (/^\d+$/.test(k)) statuses[k] = (statuses[k] ?? 0) + n;
      else errors[k as ErrorClass] = (errors[k as ErrorClass] ?? 0) + n;
    }
  }
  // The engine's shape (an empty histogram reads 0); phaseReport gives the phase its measured-or-null latency.
  const latency = percentilesMs(outcomes.total.latency);
  return {
    url,
    requests: outcomes.completed,
    offeredRate: Math.round((outcomes.completed / (durationMs / 1000)) * 100) / 100,
    achievedRate: 0,
    latency,
    rawLatency: latency,
    scheduleLag: { p50: 0, p99: 0, max: 0 },
    statuses,
    errors,
    dropped: 0,
    endpoints: [],
    intervals: [],
  };
}
