import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';

/** Monotonic microseconds (performance.now() has µs resolution and no bigint cost). */
export const monoUs = (): number => performance.now() * 1000;

/** Below this much time left, poll instead of sleeping. Measured on 2 shared cores at 2,000 req/s: polling the last 1 ms costs ~0.6 of a core and, by starving the target, more lag; polling the last 0.3 ms costs ~0.27 and gave p99 lag ≈ 1.4 ms. */
let SPIN_US = 300;

/** Set once by the CLI from SHADOWTAP_SPIN_US (config/settings.ts): an implementation switch, not a per-run option. */
export function setSpinUs(us: number): void {
  SPIN_US = us;
}

const immediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Resolves once the monotonic clock reaches `dueUs`.
 *
 * How p99 lag stays ≤ 2 ms at thousands of req/s: libuv timers have 1 ms granularity and fire up to
 * ~1 ms late, so the wait sleeps in whole milliseconds that end close to the due time, and covers
 * the last fraction of a millisecond by polling the µs clock with setImmediate (see SPIN_US). Each setImmediate turn runs pending I/O
 * (responses) first, so polling never starves the sockets. The caller then sends every request whose
 * time has come in one batch before waiting again, so a burst never queues behind timers.
 */
export async function waitUntil(dueUs: number, signal?: AbortSignal): Promise<void> {
  let left: number;
  while (!signal?.aborted && (left = dueUs - monoUs()) > 0) {
    if (left > SPIN_US) await sleep(Math.floor((left - SPIN_US) / 1000) || 1, undefined, signal ? { signal } : undefined).catch(() => undefined);
    else await immediate();
  }
}

/** Yields one event-loop turn so that I/O can run inside a long burst of sends. */
export const yieldTurn = immediate;
