import { decodeJson, encodeJson } from '../../distributed/protocol.js';
import type { LoadTarget, PhaseSettings } from '../measure/open-phase.js';
import type { PhaseSpec, RequestSpec } from '../spec.js';

/** The worker task that runs a share of a scenario phase (registered by `shadowtap worker`). */
export const PHASE_TASK = 'phase';

/** What a worker is sent to run its share of a phase: the phase, its target, and the scenario's settings. */
export interface PhaseJob {
  phase: PhaseSpec;
  target: LoadTarget;
  settings: PhaseSettings;
}

type WireRequest = Omit<RequestSpec, 'body'> & { body?: string };

/** Request bodies are bytes: they travel as base64, not as JSON's array of numbers. */
export function encodePhaseJob(j: PhaseJob): string {
  const requests = (rs: RequestSpec[]): WireRequest[] => rs.map(({ body, ...r }) => ({ ...r, ...(body ? { body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64') } : {}) }));
  return encodeJson({ ...j, phase: { ...j.phase, requests: requests(j.phase.requests) } });
}

export function decodePhaseJob(s: string): PhaseJob {
  const j = decodeJson<Omit<PhaseJob, 'phase'> & { phase: Omit<PhaseSpec, 'requests'> & { requests: WireRequest[] } }>(s);
  const requests = j.phase.requests.map(({ body, ...r }): RequestSpec => ({ ...r, ...(body !== undefined ? { body: Buffer.from(body, 'base64') } : {}) }));
  return { ...j, phase: { ...j.phase, requests } as PhaseSpec };
}
