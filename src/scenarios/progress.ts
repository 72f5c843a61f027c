import { printable } from '../printable.js';
import type { ProgressSnapshot } from '../replay/types.js';

/**
 * Progress on stderr while a long run goes: one line rewritten in place on a TTY, a line every few
 * seconds otherwise (CI logs). Results never go here.
 */
export class Progress {
  private lastLineAt = 0;
  private live = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
    private readonly quiet = false,
    private readonly everyMs = 5000,
  ) {}

  log(message: string): void {
    if (this.quiet) return;
    this.clear();
    // Messages quote targets' answers (smoke-test errors): no control sequence reaches the terminal.
    this.out.write(`${printable(message)}\n`);
  }

  /** A load phase's snapshot; `totalMs` is its planned length when known. */
  phase(label: string, p: ProgressSnapshot, totalMs?: number): void {
    if (this.quiet) return;
    const pct = totalMs ? ` ${Math.min(100, Math.round((p.elapsedMs / totalMs) * 100))}%` : '';
    const line = `  ${printable(label, { oneLine: true })}:${pct} ${Math.round(p.elapsedMs / 1000)}s sent ${p.scheduled} done ${p.completed} errors ${p.errors}${p.dropped ? ` dropped ${p.dropped}` : ''} in flight ${p.inFlight}`;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[K${line}`);
      this.live = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastLineAt < this.everyMs) return;
    this.lastLineAt = now;
    this.out.write(`${line}\n`);
  }

  private clear(): void {
    if (this.live) this.out.write('\r\x1b[K');
    this.live = false;
  }
}
