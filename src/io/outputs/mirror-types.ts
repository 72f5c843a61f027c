import type { Header } from '../../exchange.js';
import type { SinkLog } from '../sink.js';

/** A request as the engine schedules it (replay's `ScheduledRequest`, the fields the mirror sets). */
export interface MirrorRequest {
  intendedUs: number;
  method: string;
  target: string;
  headers: Header[];
  body?: Uint8Array;
  id: string;
}

/** A shadow target as the engine takes it (replay's `TargetOptions`, the fields the mirror sets). */
export interface MirrorTarget {
  url: string;
  proxy?: string;
  connections: number;
  maxInFlight: number;
  maxQueue: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  connectTimeoutMs: number;
}

/**
 * The load engine, given by the caller (the agent passes replay's `runLoad`): io/ may not import the
 * replay room, which itself reads inputs through io/. Sends as fast as the targets allow; resolves when
 * the schedule ends or the signal aborts, calling `onResult` once per request per target.
 */
export type MirrorEngine = (run: {
  schedule: AsyncIterable<MirrorRequest>;
  targets: MirrorTarget[];
  signal: AbortSignal;
  onResult: (r: { target: number; error?: string | undefined }) => void;
}) => Promise<unknown>;

export interface MirrorOptions {
  targets: { url: string; proxy?: string | undefined }[];
  samplePercent: number;
  maxRate?: number | undefined;
  queue: number;
  connections: number;
  timeoutMs: number;
  engine: MirrorEngine;
  log: SinkLog;
}

export interface MirrorStats {
  offered: number;
  sampledOut: number;
  rateLimited: number;
  queueDropped: number;
  /** Sent to every target and completed (any status, or a transport error). */
  mirrored: number;
  errors: number;
  /** Dropped inside the replay engine (a target's own queue full). */
  engineDropped: number;
  /** Still queued or in flight when the agent stopped and the drain time ran out. */
  abandoned: number;
}
