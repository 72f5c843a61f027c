import type { RunSummary, RunValidity, WorkerReport } from '../replay/types.js';
import type { TargetStats } from '../replay/stats/target-stats.js';
import { newHistogram, percentilesMs } from '../replay/stats/histogram.js';
import type { WorkerDone } from './protocol.js';
import { decodeTotals } from './protocol.js';

export interface Finished {
  name: string;
  done: WorkerDone;
  skewUs: number;
  rttUs: number;
}

const ms = (us: number): number => Math.round(us) / 1000;

/**
 * The run's summary from every worker's share: histograms are merged (never percentiles averaged),
 * counts added, spans taken over the whole run, into the same `TargetStats` a single process keeps, so
 * the summary, report and JUnit are the ones one process would write. Intervals were absorbed as they
 * came (late ones too); here come the totals.
 */
export function mergeRun(stats: readonly TargetStats[], workers: readonly Finished[], paced: boolean, startEpochUs: number): RunSummary {
  for (const w of workers) w.done.targets.forEach((t, i) => stats[i]!.absorbTotals(decodeTotals(t)));
  const durationUs = Math.max(1, ...workers.map((w) => w.done.durationUs));
  const offeredSpanUs = paced ? Math.max(1, ...workers.map((w) => w.done.lastIntendedUs)) : durationUs;
  const targets = stats.map((s) => s.summary(durationUs, offeredSpanUs, paced));
  const lag = newHistogram();
  for (const s of stats) lag.add(s.lag);
  const reports: WorkerReport[] = workers.map((w) => ({
    name: w.name,
    requests: w.done.requests,
    clockSkewMs: ms(w.skewUs),
    rttMs: ms(w.rttUs),
    startLateMs: ms(w.done.startLateUs),
    validity: w.done.validity,
  }));
  return {
    startedAt: new Date(startEpochUs / 1000).toISOString(),
    startEpochUs: Math.round(startEpochUs),
    durationMs: Math.round(durationUs / 1000),
    targets,
    validity: mergeValidity(reports, percentilesMs(lag).p99),
    workers: reports,
  };
}

/** The run is valid only if every worker was: each worker's reasons, named; the worst of each measure. */
function mergeValidity(workers: readonly WorkerReport[], lagP99Ms: number): RunValidity {
  const reasons = workers.flatMap((w) => w.validity.reasons.map((r) => `worker ${w.name}: ${r}`));
  return {
    valid: reasons.length === 0,
    reasons,
    eventLoopDelayP99Ms: Math.max(0, ...workers.map((w) => w.validity.eventLoopDelayP99Ms)),
    cpu: Math.max(0, ...workers.map((w) => w.validity.cpu)),
    scheduleLagP99Ms: lagP99Ms,
    skipped: workers.reduce((n, w) => n + (w.validity.skipped ?? 0), 0),
  };
}
