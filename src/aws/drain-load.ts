import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { rateSchedule } from '../replay/schedule/rate.js';
import { runLoad } from '../replay/engine.js';
import type { ErrorClass, RequestResult, RunSummary } from '../replay/types.js';
import { drainCycleSchema, runDrainCycle, type CycleExtras, type DrainCycleResult } from './drain.js';
import type { TimelineEvent } from './timeline.js';

/** A drain cycle while open-model load runs through the load balancer. */
export const drainUnderLoadSchema = z.strictObject({
  ...drainCycleSchema.shape,
  /** The load balancer's URL: the load goes through it, as users' traffic does. */
  url: z.url(),
  rate: z.number().positive().default(200),
  path: z.string().startsWith('/').default('/'),
  /** Load before the cycle starts and after it ends (ms). */
  beforeMs: z.number().int().min(0).default(2000),
  afterMs: z.number().int().min(0).default(2000),
  /** Hard bound on the load, whatever the cycle does. */
  maxDurationMs: z.number().int().min(1000).default(1_800_000),
  connections: z.number().int().min(1).default(32),
});
export type DrainUnderLoadOptions = z.input<typeof drainUnderLoadSchema>;

export interface RequestFailure {
  /** ms since the load started, when it was sent (not its intended time: the timeline shows when it happened). */
  atMs: number;
  at: string;
  status?: number;
  error?: ErrorClass;
}

export interface DrainUnderLoadResult {
  cycle: DrainCycleResult;
  load: RunSummary;
  /** Timeline events with `atMs` on the load's clock, to draw over its rps/latency charts. */
  timeline: (TimelineEvent & { atMs: number })[];
  requests: number;
  failures: { count: number; byKind: Record<string, number>; first: RequestFailure[]; firstAtMs?: number; lastAtMs?: number };
  /** Zero failed requests, and the cycle completed. */
  passed: boolean;
}

/** Failed through the load balancer: no response, or a 5xx (ALB's 502/503/504 or the app's). */
export const isFailure = (r: RequestResult): boolean => r.error !== undefined || (r.status !== undefined && r.status >= 500);

const KEEP_FAILURES = 100;

export async function drainUnderLoad(input: DrainUnderLoadOptions, x: CycleExtras = {}): Promise<DrainUnderLoadResult> {
  const o = drainUnderLoadSchema.parse(input);
  const failed: RequestResult[] = [];
  const byKind: Record<string, number> = {};
  let requests = 0;
  let failures = 0;
  let firstUs = Infinity;
  let lastUs = -Infinity;
  const ac = new AbortController();
  x.signal?.addEventListener('abort', () => ac.abort(), { once: true });
  const onResult = (r: RequestResult): void => {
    requests++;
    if (!isFailure(r)) return;
    failures++;
    const kind = r.error ?? String(r.status);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    firstUs = Math.min(firstUs, r.sentUs);
    lastUs = Math.max(lastUs, r.sentUs);
    if (failed.length < KEEP_FAILURES) failed.push(r);
  };
  const load = runLoad({
    schedule: rateSchedule({ rate: o.rate, durationMs: o.maxDurationMs, make: (i) => ({ id: `drain-${i}`, method: 'GET', target: o.path, headers: [] }) }),
    targets: [{ url: o.url, connections: o.connections, headersTimeoutMs: 30_000, bodyTimeoutMs: 30_000 }],
    onResult,
    signal: ac.signal,
    drainMs: 30_000,
  });
  let cycle: DrainCycleResult;
  try {
    await sleep(o.beforeMs);
    const { url: _u, rate: _r, path: _p, beforeMs: _b, afterMs: _a, maxDurationMs: _m, connections: _c, ...cycleOpts } = o;
    cycle = await runDrainCycle(cycleOpts, x);
    if (!x.signal?.aborted) await sleep(o.afterMs);
  } finally {
    ac.abort();
  }
  const summary = await load;
  const t0 = Date.parse(summary.startedAt);
  const first = failed.map((r) => ({
    atMs: Math.round(r.sentUs / 1000),
    at: new Date(t0 + r.sentUs / 1000).toISOString(),
    ...(r.status !== undefined ? { status: r.status } : {}),
    ...(r.error ? { error: r.error } : {}),
  })).sort((a, b) => a.atMs - b.atMs);
  return {
    cycle,
    load: summary,
    timeline: cycle.timeline.map((e) => ({ ...e, atMs: e.at - t0 })),
    requests,
    failures: { count: failures, byKind, first, ...(failures ? { firstAtMs: Math.round(firstUs / 1000), lastAtMs: Math.round(lastUs / 1000) } : {}) },
    passed: failures === 0 && !cycle.error,
  };
}
