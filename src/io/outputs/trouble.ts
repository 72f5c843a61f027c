import type { SinkLog } from '../sink.js';

/** How often a watched sink is looked at: a probe or a person sees a change within about a second. */
export const LOOK_EVERY_MS = 1000;

/**
 * A long-running sink's trouble (Redis gone, a shadow that fails, a full queue) as episodes: the
 * reason is there for the agent's health while it lasts, and the log gets one line when it starts and
 * one when it ends, never one per exchange (thousands a second would bury everything else). The end
 * is a warning too when exchanges were lost meanwhile, with how many.
 */
export class Trouble {
  reason: string | undefined;
  private since = 0;
  private lostBefore = 0;

  constructor(
    private readonly what: string,
    private readonly log: SinkLog | undefined,
  ) {}

  /** The sink as it is now: `reason` undefined when it is fine; `lost` its running count of exchanges lost. */
  update(reason: string | undefined, lost: number, extra: object = {}): void {
    if (reason !== undefined && this.reason === undefined) {
      this.since = Date.now();
      this.log?.('warn', `${this.what} degraded`, { reason, ...extra });
    } else if (reason === undefined && this.reason !== undefined) {
      const lostMeanwhile = lost - this.lostBefore;
      this.log?.(lostMeanwhile > 0 ? 'warn' : 'info', `${this.what} recovered`, { afterMs: Date.now() - this.since, lost: lostMeanwhile, ...extra });
    }
    // The count as last seen while all was well: the losses that started an episode belong to it.
    if (reason === undefined) this.lostBefore = lost;
    this.reason = reason;
  }
}

/** A timer that looks at a sink, never keeping the process alive for it. */
export function every(ms: number, look: () => void): NodeJS.Timeout {
  const t = setInterval(look, ms);
  t.unref();
  return t;
}
