import { randomBytes } from 'node:crypto';
import type { ProgressSnapshot, RequestResult, RunSummary } from '../replay/types.js';
import { TargetStats } from '../replay/stats/target-stats.js';
import { safeUrl } from '../stages/redact/index.js';
import { decodeInterval, epochUs, type Job, type WorkerDone } from './protocol.js';
import type { Segment } from './segment.js';
import type { CoordinatorSide } from './transport.js';
import { Roster, type Member } from './roster.js';
import { mergeRun } from './merge.js';
import { SpreadProgress } from './progress.js';

export interface CoordinateOptions {
  transport: CoordinatorSide;
  count: number;
  /** The job's kind (a worker's registered task; default a replay) and its encoded arguments. */
  task?: string;
  args: string;
  split: Segment['split'];
  /** How long workers have to join, and then to be ready to send. */
  barrierMs: number;
  heartbeatTimeoutMs: number;
  targets: readonly string[];
  intervalMs: number;
  skipAfterMs: number;
  paced: boolean;
  log: (line: string) => void;
  /** Every worker's per-request results (`--results`), as they come, each request once. */
  onResults?: (results: RequestResult[]) => void;
  /** Ctrl-C on the coordinator: the workers are stopped and the run is invalid. */
  signal?: AbortSignal;
  /** Live counts summed over the workers, then the merged totals (the progress line). */
  onProgress?: (p: ProgressSnapshot) => void;
  /**
   * A run that fails returns what it has, marked invalid (the summary, JUnit and results of an
   * invalid run are written as one process writes them), instead of throwing: the workers still
   * heard from are told to stop and given this long to send their share.
   */
  partialAfterMs?: number;
}

/** The merged run, and every worker's `done` (in worker order) for what only its task reports. */
export interface Coordinated {
  run: RunSummary;
  done: WorkerDone[];
}

/** Round trips per worker for the clock-skew estimate; the shortest one bounds the error best. */
const PINGS = 5;
/** The common start is this far ahead (or 4 round trips, if more), so every worker hears of it in time. */
const START_MARGIN_US = 300_000;

/**
 * Runs one load over `count` workers: hands out the jobs, waits at the barrier, measures each worker's
 * clock, starts all at one absolute time, merges their intervals as they come and their totals at the
 * end. Any worker that fails, misses the barrier or goes silent makes the run invalid (exit 3).
 */
export async function coordinate(o: CoordinateOptions): Promise<Coordinated> {
  const runId = randomBytes(6).toString('hex');
  const roster = new Roster(o.count, o.heartbeatTimeoutMs);
  const stats = o.targets.map((u) => new TargetStats(safeUrl(u), o.intervalMs * 1000, o.skipAfterMs * 1000));
  const pongs = new Map<number, number>();
  const progress = new SpreadProgress(o.onProgress);
  let lost = false;
  o.transport.onFailure((why) => ((lost = true), roster.fail(`${why}; the run is invalid`)));
  o.signal?.addEventListener('abort', () => roster.fail('interrupted: the workers were stopped; the run is invalid'), { once: true });
  o.transport.onMessage((msg) => {
    const m = roster.heard(msg);
    if (!m) return;
    if (msg.t === 'pong') pongs.set(msg.id, msg.tw);
    else if (msg.t === 'interval') stats[msg.target]?.absorbInterval(msg.startUs, decodeInterval(msg));
    else if (msg.t === 'results') o.onResults?.(msg.results);
    else if (msg.t === 'progress') progress.heard(msg);
  });
  let startUs: number | undefined;
  const merged = (members: Member[]): Coordinated => {
    const finished = members.map((m) => ({ name: m.name!, done: m.done!, skewUs: m.skewUs, rttUs: m.rttUs }));
    const run = mergeRun(stats, finished, o.paced, startUs ?? epochUs());
    progress.finish(stats, run.durationMs);
    return { run, done: finished.map((f) => f.done) };
  };
  const expiresAtMs = Date.now() + o.barrierMs;
  const jobs: Job[] = roster.members.map((m) => ({ runId, ...(o.task ? { task: o.task } : {}), args: o.args, expiresAtMs, segment: { index: m.index, count: o.count, split: o.split } }));
  const missing = (what: (m: Member) => boolean, doing: string) => (): string => {
    const late = roster.members.filter((m) => !what(m));
    return `barrier timed out after ${o.barrierMs / 1000} s: ${o.count - late.length} of ${o.count} workers ${doing}; missing: ${late.map((m) => roster.label(m)).join(', ')}; the run is invalid`;
  };
  try {
    await o.transport.open(jobs);
    await roster.until(() => roster.members.every((m) => m.name !== undefined), o.barrierMs, missing((m) => m.name !== undefined, 'joined'));
    await roster.until(() => roster.members.every((m) => m.ready), o.barrierMs, missing((m) => m.ready, 'were ready to send'));
    // Clocks are compared once every worker is idle at the barrier: a busy loop would skew the round trips.
    let nextPing = 0;
    const ping = async (m: Member): Promise<void> => {
      for (let i = 0; i < PINGS; i++) {
        const id = nextPing++;
        const t0 = epochUs();
        o.transport.send(m.index, { t: 'ping', id, t0 });
        await roster.until(() => pongs.has(id), o.barrierMs, () => `worker ${roster.label(m)} did not answer a clock ping within ${o.barrierMs / 1000} s; the run is invalid`);
        const t1 = epochUs();
        // Its clock at the midpoint of the round trip, minus ours: off by at most half the round trip.
        if (i === 0 || t1 - t0 < m.rttUs) [m.rttUs, m.skewUs] = [t1 - t0, pongs.get(id)! - (t0 + t1) / 2];
        pongs.delete(id);
      }
    };
    await Promise.all(roster.members.map(ping));
    const rtt = Math.max(...roster.members.map((m) => m.rttUs));
    startUs = epochUs() + Math.max(START_MARGIN_US, 4 * rtt);
    for (const m of roster.members) o.transport.send(m.index, { t: 'start', atEpochUs: startUs + m.skewUs });
    progress.start(startUs);
    for (const m of roster.members) o.log(`worker ${roster.label(m)}: clock skew ${(m.skewUs / 1000).toFixed(3)} ms (round trip ${(m.rttUs / 1000).toFixed(3)} ms)`);
    await roster.until(() => roster.members.every((m) => m.done), Infinity, () => '');
    return merged(roster.members);
  } catch (err) {
    const why = roster.failed ?? (err as Error).message;
    for (const m of roster.members) o.transport.send(m.index, { t: 'stop', reason: why });
    if (o.partialAfterMs === undefined || (err as Error).name !== 'InvalidRunError') throw err;
    // With the transport gone nothing more can arrive.
    if (!lost) await roster.settle(o.partialAfterMs);
    const { run, done } = merged(roster.members.filter((m) => m.done));
    const reasons = [why, ...run.validity.reasons];
    return { run: { ...run, validity: { ...run.validity, valid: false, reasons } }, done };
  } finally {
    progress.stop();
    roster.close();
    await o.transport.close();
  }
}
