import type { RequestStage, ScheduledRequest } from '../types.js';
import type { Finished, TargetRunner } from '../dispatch/target.js';
import type { TargetStats } from '../stats/target-stats.js';
import { monoUs } from '../pacer.js';

/**
 * Where the engine hands a request to a target and takes a finished one back, with the run's request
 * stage in between (when it has one): the request is prepared (maybe later, when a token is being
 * fetched, or not at all when skipped), and a finished request may be sent again once in its place.
 * A skipped request is not offered load; a resent one keeps its intended time (its latency includes both tries).
 */
export class StagedSubmit {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly stage: RequestStage | undefined,
    private readonly runners: readonly TargetRunner[],
    private readonly stats: readonly TargetStats[],
    private readonly clock: { readonly startUs: number },
    /** Told of a request the stage skipped for a target: whoever waits for every target's answer must not wait for this one. */
    private readonly onSkip: (target: number, req: ScheduledRequest) => void = () => undefined,
  ) {}

  get busy(): boolean {
    return this.pending.size > 0;
  }

  submit(i: number, req: ScheduledRequest, dueUs: number, handedUs: number): void {
    const r = this.stage ? this.stage.prepare(i, req) : req;
    if (r instanceof Promise) this.track(r.catch(() => req).then((x) => this.send(i, x, req, dueUs, handedUs)));
    else this.send(i, r, req, dueUs, handedUs);
  }

  /** False when `f` is to be recorded now; true when the stage sends it again and it is recorded then. */
  taken(f: Finished, record: (f: Finished) => void): boolean {
    const again = this.stage?.observe(f.result.target, f.req, f.result, f.response);
    if (!again) return false;
    const dueUs = this.clock.startUs + f.result.intendedUs;
    this.track(again.then((r) => this.runners[f.result.target]!.submit(r, dueUs, monoUs()), () => record(f)));
    return true;
  }

  /** Resolves when no request is waiting in the stage. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private send(i: number, req: ScheduledRequest | undefined, scheduled: ScheduledRequest, dueUs: number, handedUs: number): void {
    if (!req) return this.onSkip(i, scheduled);
    this.stats[i]!.offered(dueUs - this.clock.startUs);
    this.runners[i]!.submit(req, dueUs, handedUs);
  }

  private track(p: Promise<void>): void {
    const q = p.finally(() => this.pending.delete(q));
    this.pending.add(q);
  }
}
