import type { Down, Job, Up } from './protocol.js';

/**
 * How messages travel between a coordinator and its workers. The coordinator's logic (barrier,
 * heartbeats, skew, merge) is written once against these two sides; IPC and Redis only move strings.
 */
export interface CoordinatorSide {
  /** Hands out the jobs: forks one local worker each, or queues them for remote workers. */
  open(jobs: Job[]): Promise<void>;
  send(worker: number, msg: Down): void;
  onMessage(handler: (msg: Up) => void): void;
  /** A transport failure (Redis gone): the run cannot be trusted. */
  onFailure(handler: (why: string) => void): void;
  close(): Promise<void>;
}

export interface WorkerSide {
  /** Waits for a job (at most `waitMs`; undefined when none came). */
  job(waitMs: number): Promise<Job | undefined>;
  send(msg: Up): void;
  onMessage(handler: (msg: Down) => void): void;
  /** The coordinator is gone (IPC channel closed): a worker has no one to report to. */
  onLost(handler: () => void): void;
  close(): Promise<void>;
}

/** Where the workers are: forked here over IPC, or anywhere, taking jobs from Redis (`--coordinator`). */
export async function coordinatorSide(coordinator: string | undefined): Promise<CoordinatorSide> {
  return coordinator ? new (await import('./redis.js')).RedisCoordinator(coordinator) : new (await import('./ipc.js')).IpcCoordinator();
}
