import { hostname } from 'node:os';
import type { ReplayArgs } from '../replay/replay-args.js';
import type { RequestResult } from '../replay/types.js';
import { decodeJson, epochUs } from './protocol.js';
import { Share, type Task } from './share.js';
import type { WorkerSide } from './transport.js';

export const HEARTBEAT_MS = 250;

/** `replay --workers N` / `--coordinator`: the same `runReplay` a single process uses, only the load step differs. */
export const replayTask: Task = async (args, share) => {
  const { runReplay } = await import('../replay/replay-run.js');
  const a = decodeJson<ReplayArgs & { sendResults?: boolean }>(args);
  await runReplay(a, undefined, (opts, compared, read) => {
    const onResult = a.sendResults ? (r: RequestResult): void => (opts.onResult?.(r), share.result(r)) : opts.onResult;
    // Its comparison and what it read are reported once the share is done, for the coordinator's summary.
    return share.load({ ...opts, ...(onResult ? { onResult } : {}) }, () => ({ ...(compared ? { differences: compared.report() } : {}), ...(read ? { input: read() } : {}) }));
  });
};

/**
 * `shadowtap worker`: takes one job, runs its share through the task the job names (a replay, or a
 * scenario phase the CLI registered), sending each interval as it closes and its totals at the end.
 * Returns the exit code: 0 once its results are sent, 3 when told to stop or left alone; undefined
 * when no job came within `waitMs`.
 */
export async function runWorker(side: WorkerSide, waitMs: number, log: (line: string) => void, tasks: Record<string, Task> = {}): Promise<number | undefined> {
  const job = await side.job(waitMs);
  if (!job) {
    await side.close();
    return undefined;
  }
  const w = job.segment.index;
  let started: (epochUs: number) => void = () => undefined;
  const start = new Promise<number>((r) => (started = r));
  let stopped: (why: string) => void = () => undefined;
  const stop = new Promise<never>((_, reject) => (stopped = (why) => reject(new Error(why))));
  stop.catch(() => undefined);
  const share = new Share(job, side, Promise.race([start, stop]));
  /** Told to stop while sending: the share ends and reports first (its `done` is the coordinator's partial summary). */
  let stoppedWhileSending: string | undefined;
  side.onMessage((m) => {
    if (m.t === 'ping') side.send({ w, t: 'pong', id: m.id, t0: m.t0, tw: epochUs() });
    else if (m.t === 'start') started(m.atEpochUs);
    else if (share.stop()) stoppedWhileSending ??= `stopped by the coordinator: ${m.reason}`;
    else stopped(`stopped by the coordinator: ${m.reason}`);
  });
  side.onLost(() => stopped('lost the coordinator'));
  side.send({ w, t: 'hello', name: `${hostname()}:${process.pid}` });
  const heartbeat = setInterval(() => side.send({ w, t: 'hb' }), HEARTBEAT_MS);
  try {
    const task = ({ replay: replayTask, ...tasks } as Record<string, Task | undefined>)[job.task ?? 'replay'];
    if (!task) throw new Error(`this worker cannot run a "${job.task}" job (a different shadowtap version?)`);
    await Promise.race([stop, task(job.args, share)]).catch((err: Error) => {
      // Its own verdict (an invalid share, say) is the coordinator's to judge from the results it got.
      if (err.name !== 'InvalidRunError') throw err;
    });
    if (stoppedWhileSending === undefined) return 0;
    log(`worker: ${stoppedWhileSending}`);
    return 3;
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
