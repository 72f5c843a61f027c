import type { ProgressSnapshot } from '../replay/types.js';
import type { TargetStats } from '../replay/stats/target-stats.js';
import { epochUs, type Up } from './protocol.js';

export type WorkerProgress = Extract<Up, { t: 'progress' }>;

/**
 * The progress of a spread run: live, the sum of each worker's last counts (its engine's own
 * snapshot, sent every second: intervals come only once they close, a minute behind); at the end,
 * the merged totals, so the final line is the one a single process prints.
 */
export class SpreadProgress {
  private readonly last = new Map<number, WorkerProgress>();
  private timer: NodeJS.Timeout | undefined;
  private startEpochUs = 0;

  constructor(private readonly onProgress: ((p: ProgressSnapshot) => void) | undefined) {}

  heard(msg: WorkerProgress): void {
    this.last.set(msg.w, msg);
  }

  /** Reports once a second from the common start (epoch µs, the coordinator's clock). */
  start(atEpochUs: number): void {
    this.startEpochUs = atEpochUs;
    if (this.onProgress) this.timer = setInterval(() => this.onProgress!(this.live()), 1000).unref();
  }

  /** The merged run: its totals and its duration. */
  finish(stats: readonly TargetStats[], durationMs: number): void {
    this.stop();
    if (!this.onProgress) return;
    const p: ProgressSnapshot = { elapsedMs: durationMs, scheduled: 0, completed: 0, errors: 0, dropped: 0, inFlight: 0, targets: stats };
    for (const s of stats) {
      p.scheduled += s.requests;
      p.completed += s.completed;
      p.errors += s.errorCount;
      p.dropped += s.dropped;
    }
    this.onProgress(p);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private live(): ProgressSnapshot {
    const p: ProgressSnapshot = { elapsedMs: Math.max(0, Math.round((epochUs() - this.startEpochUs) / 1000)), scheduled: 0, completed: 0, errors: 0, dropped: 0, inFlight: 0 };
    for (const w of this.last.values()) {
      p.scheduled += w.scheduled;
      p.completed += w.completed;
      p.errors += w.errors;
      p.dropped += w.dropped;
      p.inFlight += w.inFlight;
    }
    return p;
  }
}
