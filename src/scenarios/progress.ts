import { printable } from '../printable.js';
import type { ProgressSnapshot } from '../replay/types.js';
import { progressLine, type ProgressPlan } from '../replay/progress.js';
import type { LiveMetrics } from '../metrics/index.js';

/**
 * Progress on stderr while a long run goes: the replay's progress line (done, rate, p50/p99, errors,
 * ETA), rewritten in place on a TTY; with `live` (--progress) elsewhere, a line every few seconds.
 * Otherwise only each run's result line (log) — the final line of that run. Results never go here.
 */
export class Progress {
  private lastLineAt = 0;
  private redrawn = false;
  private prev = { label: '', at: 0, completed: 0 };

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
    private readonly quiet = false,
    private readonly everyMs = 5000,
    private readonly live = Boolean(out.isTTY),
    /** --metrics-remote-write: every snapshot, labelled with the run, quiet or not */
    private readonly metrics?: LiveMetrics,
  ) {}

  log(message: string): void {
    if (this.quiet) return;
    this.clear();
    // Messages quote targets' answers (smoke-test errors): no control sequence reaches the terminal.
    this.out.write(`${printable(message)}\n`);
  }

  /** A load phase's snapshot; `plan` its planned requests or length, when known. */
  phase(label: string, p: ProgressSnapshot, plan: ProgressPlan = {}): void {
    this.metrics?.snapshot(label, p);
    if (this.quiet || !this.live) return;
    const now = Date.now();
    const dt = (now - this.prev.at) / 1000;
    const rate = this.prev.label === label && dt > 0 ? (p.completed - this.prev.completed) / dt : 0;
    this.prev = { label, at: now, completed: p.completed };
    const line = `  ${progressLine(printable(label, { oneLine: true }) + ':', p, plan, rate)}`;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[K${line}`);
      this.redrawn = true;
      return;
    }
    if (now - this.lastLineAt < this.everyMs) return;
    this.lastLineAt = now;
    this.out.write(`${line}\n`);
  }

  private clear(): void {
    if (this.redrawn) this.out.write('\r\x1b[K');
    this.redrawn = false;
  }
}
