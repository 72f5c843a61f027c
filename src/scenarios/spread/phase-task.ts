import type { Task } from '../../distributed/share.js';
import { decodeJson } from '../../distributed/protocol.js';
import { measureClosed } from '../measure/closed-phase.js';
import { openRunOptions } from '../measure/open-phase.js';
import { Outcomes } from '../measure/outcomes.js';
import { encodeOutcomes } from '../measure/outcomes-wire.js';
import { phaseKind } from '../phases/index.js';
import type { PhaseSpec } from '../spec.js';
import type { PhaseJob } from './phase-job.js';

/**
 * A worker's share of a scenario phase: the same measuring code a single process runs (the engine for
 * an open phase, autocannon for a closed one), from the common start, its outcomes sent with `done`.
 */
export const phaseTask: Task = async (args, share) => {
  const { phase, target, settings } = decodeJson<PhaseJob>(args);
  const spread = phaseKind<PhaseSpec>(phase).spread;
  const outcomes = new Outcomes(settings.intervalMs);
  if ('load' in spread) {
    await share.load(await openRunOptions(await spread.load(phase), target, settings, outcomes), () => ({ extra: encodeOutcomes(outcomes) }));
    return;
  }
  const { count, index } = share.job.segment;
  const mine = spread.share(phase, index, count) as Parameters<typeof measureClosed>[0];
  const m = await measureClosed(mine, target, settings, { startAt: () => share.start() });
  share.done({ targets: [], validity: m.validity, durationUs: m.durationMs * 1000, requests: m.outcomes.completed, lastIntendedUs: 0, extra: encodeOutcomes(m.outcomes) });
};
