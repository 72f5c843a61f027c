import type { Exchange } from '../exchange.js';

/**
 * A stage: what the pump does to every batch between a source and its sinks (redact, filter, sample,
 * cap the rate, limit bodies or counts). A stage is synchronous and cheap per exchange; it returns the
 * batch that goes on (the same array when nothing changed, a shorter one, or an empty one).
 */
export interface Stage {
  readonly name: string;
  apply(batch: Exchange[]): Exchange[];
  /** Set once the stage wants no more input (a count limit reached): the pump stops the source. */
  readonly done?: boolean;
  /** What the stage did, for the run's summary (e.g. `{ dropped: 12 }`). */
  stats?(): Record<string, number>;
}
