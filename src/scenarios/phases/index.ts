import type { PhaseSpec } from '../spec.js';
import { connectionsPhase } from './connections.js';
import type { PhaseKind } from './kind.js';
import { rampPhase } from './ramp.js';
import { ratePhase } from './rate.js';
import { replayPhase } from './replay.js';

/** Every phase kind. A new kind is one file in this folder and one entry here. */
export const PHASE_KINDS = [ratePhase, rampPhase, connectionsPhase, replayPhase] as const;

export function phaseKind<S extends PhaseSpec>(s: S): PhaseKind<S> {
  return PHASE_KINDS.find((k) => k.key === s.kind) as unknown as PhaseKind<S>;
}
