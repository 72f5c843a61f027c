import type { OutputHeader } from '../../formats/capture-file.js';
import type { SinkLog } from '../sink.js';

/** How the files rotate and how much they may hold; agent.yaml `files:` or SinkOptions.rotation. */
export interface RotationSettings {
  prefix: string;
  maxFileBytes: number;
  rotateEveryMs: number;
  gzip: boolean;
  maxTotalBytes: number;
  queueCapacity: number;
  /** How often a degraded sink tries to write again. */
  retryMs: number;
  /**
   * A command's mode (`capture`, `record` with `--rotate-size`/`--rotate-every`): `write` waits for room
   * instead of dropping, and a failed write fails the sink (every later write rejects with it) instead of
   * degrading, as a plain capture file does: a command reading a file must lose nothing, and a disk that
   * fails is its error. The agent's mode (false) never holds up its source and rides out a full disk.
   */
  blocking: boolean;
}

export const DEFAULT_ROTATION: RotationSettings = { prefix: 'capture', maxFileBytes: 100 * 1024 ** 2, rotateEveryMs: 3_600_000, gzip: true, maxTotalBytes: 10 * 1024 ** 3, queueCapacity: 50_000, retryMs: 5000, blocking: false };

export interface RotatingOptions extends RotationSettings {
  dir: string;
  header: OutputHeader;
  log: SinkLog;
}

export interface RotatingStats {
  written: number;
  dropped: number;
  droppedDisk: number;
  filesFinished: number;
  filesDeleted: number;
  currentFile?: string;
  currentBytes: number;
  degraded: boolean;
  degradedReason?: string;
  /** Exchanges still queued at stop that could not be written: the disk failed then, or the stop deadline passed. */
  lostAtStop: number;
}
