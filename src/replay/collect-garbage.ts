import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full collection of this process's heap, called before each measured run, outside it (a scenario's
 * run, a worker's share before it says it is ready): the generator sends from this heap, and V8 had been
 * collecting its old generation in the middle of runs. In the demo (`--trace-gc`), Mark-Compact pauses
 * of 11–26 ms fell inside the A/B runs, some from V8's memory reducer, which starts when allocation is
 * slow, as in a 30 req/s phase, and the run was invalid (schedule lag p99 over 10 ms). With a collection
 * before every run, none fell inside one; each costs 20–30 ms between runs.
 *
 * `--expose-gc` set now is read when a context is made, so a fresh context hands out `gc`. A flag set at
 * run time changes V8's flag hash: modules first compiled after it miss node's compile cache once.
 */
let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
}
