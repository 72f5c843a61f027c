import { InputError } from '../errors.js';
import type { ReplayArgs } from '../replay/replay-args.js';
import { readCa } from '../replay/dispatch/trust.js';
import { headerNameArg } from '../replay/rewrites.js';
import { checkOutputPaths } from './output-paths.js';

/**
 * What `replay` can refuse from its arguments alone, before a target is resolved, an input read or a
 * request sent: each is exit 2 naming the flag, not a run that ignores it or fails at its end.
 */
export async function checkReplayArgs(a: ReplayArgs): Promise<void> {
  checkSchedule(a);
  if (a['tag-header'] !== undefined) headerNameArg(a['tag-header'], '--tag-header');
  // Read again when each target's client is built; here only so a bad file is refused before the run starts.
  if (a.ca !== undefined) readCa(a.ca);
  await checkOutputPaths([
    { flag: '--results', path: a.results },
    { flag: '--summary', path: a.summary },
    { flag: '--out', path: a.out, dir: true },
    { flag: '--junit', path: a.junit },
  ]);
}

/** One timing per run: the recording's (--speed), a rate, or a ramp. Combined, one used to win silently. */
export function checkSchedule(a: Pick<ReplayArgs, 'speed' | 'rate' | 'ramp' | 'poisson'>): void {
  const given = (['speed', 'rate', 'ramp'] as const).filter((k) => a[k] !== undefined);
  if (given.length > 1) throw new InputError(`${given.map((k) => `--${k}`).join(' and ')} cannot be combined: give one timing (recorded at a speed, a rate, or a ramp)`);
  if (a.poisson && a.rate === undefined) throw new InputError('--poisson needs --rate: it draws arrivals around that mean rate');
}
