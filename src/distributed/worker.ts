import { hostname } from 'node:os';
import type { RunOptions, RunSummary } from '../replay/types.js';
import type { ReplayArgs } from '../replay/replay-args.js';
import { runLoad } from '../replay/engine.js';
import { monoUs, waitUntil } from '../replay/pacer.js';
import { decodeJson, encodeInterval, encodeTotals, epochUs, type Job } from './protocol.js';
import { segmentSchedule, type SegmentTally } from './segment.js';
import type { WorkerSide } from './transport.js';
import type { TargetStats } from '../replay/stats/target-stats.js';

export const HEARTBEAT_MS = 250;

/**
 * `shadowtap worker`: takes one job, runs its share of the replay through the same `runReplay` a
 * single process uses (only the load step differs), sends each interval as it closes and its totals
 * at the end. Returns the exit code: 0 once its results are sent, 3 when told to stop or left alone.
 */
export async function runWorker(side: WorkerSide, waitMs: number, log: (line: string) => void): Promise<number> {
  const job = await side.job(waitMs);
  if (!job) {
    await side.close();
    log(`worker: no job within ${waitMs / 1000} s`);
    return 3;
  }
  const w = job.segment.index;
  let started: (epochUs: number) => void = () => undefined;
  const start = new Promise<number>((r) => (started = r));
  let stopped: (why: string) => void = () => undefined;
  const stop = new Promise<never>((_, reject) => (stopped = (why) => reject(new Error(why))));
  stop.catch(() => undefined);
  side.onMessage((m) => {
    if (m.t === 'ping') side.send({ w, t: 'pong', id: m.id, t0: m.t0, tw: epochUs() });
    else if (m.t === 'start') started(m.atEpochUs);
    else stopped(`stopped by the coordinator: ${m.reason}`);
  });
  side.onLost(() => stopped('lost the coordinator'));
  side.send({ w, t: 'hello', name: `${hostname()}:${process.pid}` });
  const heartbeat = setInterval(() => side.send({ w, t: 'hb' }), HEARTBEAT_MS);
  try {
    const args = decodeJson<ReplayArgs>(job.args);
    const { runReplay } = await import('../replay/replay-run.js');
    await Promise.race([stop, runReplay(args, undefined, (opts) => shareLoad(opts, job, side, Promise.race([start, stop])))]).catch((err: Error) => {
      // Its own verdict (an invalid share, say) is the coordinator's to judge from the results it got.
      if (err.name !== 'InvalidRunError') throw err;
    });
    return 0;
  } catch (err) {
    const message = (err as Error).message;
    side.send({ w, t: 'error', message });
    log(`worker: ${message}`);
    return 3;
  } finally {
    clearInterval(heartbeat);
    await side.close();
  }
}

/** The worker's load step: its share of the schedule, started at the common time, results sent on. */
async function shareLoad(opts: RunOptions, job: Job, side: WorkerSide, start: Promise<number>): Promise<RunSummary> {
  const w = job.segment.index;
  const tally: SegmentTally = { requests: 0, lastIntendedUs: 0 };
  let stats: readonly TargetStats[] = [];
  let lateUs = 0;
  const summary = await runLoad({
    ...opts,
    schedule: segmentSchedule(opts.schedule, job.segment, tally),
    onStats: (s) => {
      stats = s;
      s.forEach((t, i) => (t.onClose = (startUs, iv) => side.send({ w, t: 'interval', ...encodeInterval(i, startUs, iv) })));
    },
    startAt: async () => {
      side.send({ w, t: 'ready' });
      // The common start on this process's clock, as a monotonic time; slept to, then polled (pacer).
      const dueUs = (await start) - performance.timeOrigin * 1000;
      await waitUntil(dueUs);
      lateUs = monoUs() - dueUs;
      return dueUs;
    },
  });
  side.send({ w, t: 'done', targets: stats.map((s) => encodeTotals(s.totals())), validity: summary.validity, durationUs: summary.durationMs * 1000, requests: tally.requests, lastIntendedUs: tally.lastIntendedUs, startLateUs: lateUs });
  return summary;
}
