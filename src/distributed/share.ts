import { performance } from 'node:perf_hooks';
import type { RequestResult, RunOptions, RunSummary } from '../replay/types.js';
import type { TargetStats } from '../replay/stats/target-stats.js';
import { collectGarbage } from '../replay/collect-garbage.js';
import { runLoad } from '../replay/engine.js';
import { monoUs, waitUntil } from '../replay/pacer.js';
import { encodeInterval, encodeTotals, type Job, type WorkerDone } from './protocol.js';
import { segmentSchedule, type SegmentTally } from './segment.js';
import type { WorkerSide } from './transport.js';

const RESULTS_BATCH = 256;

/**
 * One worker's share of a job, whatever the job is (a replay, a scenario phase): the start at the
 * common time, intervals sent as they close, and the one `done` message. A task either runs its
 * share of a schedule through `load` or, with no schedule to split (a closed-model phase), waits at
 * `start` and reports with `done`.
 */
export class Share {
  readonly w: number;
  private lateUs = 0;
  /** Told to stop once its load runs: the load ends as an interrupted one does, and still reports. */
  private readonly stopping = new AbortController();
  private loading = false;

  constructor(
    readonly job: Job,
    private readonly side: WorkerSide,
    private readonly common: Promise<number>,
  ) {
    this.w = job.segment.index;
  }

  /** Says it is ready, then sleeps until the common start; resolves to that time on the monotonic clock. */
  async start(): Promise<number> {
    // A worker kept for job after job (--keep) carries every earlier job's garbage into this one.
    collectGarbage();
    this.side.send({ w: this.w, t: 'ready' });
    // The common start on this process's clock, as a monotonic time; slept to, then polled (pacer).
    const dueUs = (await this.common) - performance.timeOrigin * 1000;
    await waitUntil(dueUs);
    this.lateUs = monoUs() - dueUs;
    return dueUs;
  }

  /**
   * The coordinator said stop: true when a load is running, which then ends (drained, as after
   * Ctrl-C) and sends its `done`, so that the coordinator's partial summary holds this share.
   */
  stop(): boolean {
    this.stopping.abort();
    return this.loading;
  }

  /** Runs this worker's share of `opts.schedule` from the common start; `extra` rides on `done`. */
  async load(opts: RunOptions, extra?: () => Partial<Pick<WorkerDone, 'extra' | 'differences' | 'input'>>): Promise<RunSummary> {
    const tally: SegmentTally = { requests: 0, lastIntendedUs: 0 };
    let stats: readonly TargetStats[] = [];
    const summary = await runLoad({
      ...opts,
      schedule: segmentSchedule(opts.schedule, this.job.segment, tally),
      onStats: (s) => {
        stats = s;
        s.forEach((t, i) => (t.onClose = (startUs, iv) => this.side.send({ w: this.w, t: 'interval', ...encodeInterval(i, startUs, iv) })));
      },
      startAt: async () => {
        const at = await this.start();
        this.loading = true;
        return at;
      },
      signal: opts.signal ? AbortSignal.any([opts.signal, this.stopping.signal]) : this.stopping.signal,
      onProgress: (p) => {
        opts.onProgress?.(p);
        this.side.send({ w: this.w, t: 'progress', scheduled: p.scheduled, completed: p.completed, errors: p.errors, dropped: p.dropped, inFlight: p.inFlight });
      },
    });
    this.done({ targets: stats.map((s) => encodeTotals(s.totals())), validity: summary.validity, durationUs: summary.durationMs * 1000, requests: tally.requests, lastIntendedUs: tally.lastIntendedUs, ...extra?.() });
    return summary;
  }

  /** Per-request results for the coordinator's `--results`, sent in batches ahead of `done`. */
  private results: RequestResult[] = [];

  result(r: RequestResult): void {
    if (this.results.push(r) >= RESULTS_BATCH) this.sendResults();
  }

  private sendResults(): void {
    if (this.results.length) this.side.send({ w: this.w, t: 'results', results: this.results });
    this.results = [];
  }

  done(d: Omit<WorkerDone, 'startLateUs'>): void {
    this.sendResults();
    this.side.send({ w: this.w, t: 'done', ...d, startLateUs: this.lateUs });
  }
}

/** A kind of job a worker can run (`Job.task`): it runs the share and sends `done` through `share`. */
export type Task = (args: string, share: Share) => Promise<void>;
