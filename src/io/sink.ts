import type { Writable } from 'node:stream';
import type { Exchange } from '../exchange.js';
import type { RedactPolicy } from '../stages/redact/index.js';
import type { RotationSettings } from './outputs/rotating.js';

/**
 * A sink of exchanges: one module per output under `io/outputs/`, picked by `io/registry.ts`. A sink
 * writes what it is given: redaction is the pump's stage, applied before every sink (`takesOriginal`
 * aside), so no sink redacts and none can skip it.
 */
export interface Sink {
  /** What the output is called in messages. */
  readonly name: string;
  /** Takes a batch; resolves when the sink can take the next one (back-pressure). */
  write(batch: readonly Exchange[]): Promise<void>;
  /** Pushes what is buffered to the output (files: to the OS). */
  flush(): Promise<void>;
  /** Flushes and releases the output; a file is complete once this resolves. */
  close(): Promise<void>;
  stats(): SinkStats;
  /**
   * Only for a sink that neither writes nor prints what it takes (the live mirror sends it to a shadow
   * service, in memory, so that the shadow can authenticate): it gets the exchanges before redaction.
   */
  readonly takesOriginal?: true;
}

/** How a long-running sink (rotating files, the mirror) reports what happens to it: the agent's log. */
export type SinkLog = (level: 'info' | 'warn' | 'error', msg: string, extra?: object) => void;

export interface SinkStats {
  written: number;
  [count: string]: unknown;
}

export interface SinkOptions {
  /** What the output records about where its exchanges came from (a capture file's first line). */
  origin?: Record<string, unknown> | undefined;
  /** The redaction the pump applies before this sink: recorded by the output, never applied by it. */
  redaction: RedactPolicy;
  /** Where '-' and listings go (default process.stdout). */
  stdout?: Writable | undefined;
  onWarning?: ((message: string) => void) | undefined;
  /** What a long-running sink (rotating files) has to say as it goes: rotations, deletions, failures. */
  log?: SinkLog | undefined;
  /** Rotating files (`rotating`): how they rotate; defaults in io/outputs/rotating.ts. */
  rotation?: Partial<RotationSettings> | undefined;
}

/** An output kind: one file under `io/outputs/`, one line in `io/registry.ts`. */
export interface OutputModule {
  open(target: string, opts: SinkOptions): Promise<Sink>;
}
