import type { LoadTarget, PhaseSettings } from '../measure/open-phase.js';
import type { PhaseSpec } from '../spec.js';

/** The worker task that runs a share of a scenario phase (registered by `shadowtap worker`). */
export const PHASE_TASK = 'phase';

/** What a worker is sent to run its share of a phase (as `encodeJson`, bodies as base64): the phase, its target, and the scenario's settings. */
export interface PhaseJob {
  phase: PhaseSpec;
  target: LoadTarget;
  settings: PhaseSettings;
}
