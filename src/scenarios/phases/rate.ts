import { z } from 'zod';
import { rateSchedule } from '../../replay/schedule/rate.js';
import * as unit from '../../units/schema.js';
import { requestMix } from '../mix.js';
import { runOpenPhase, type OpenLoad } from '../measure/open-phase.js';
import { seconds, type PhaseCommon, type PhaseKind } from './kind.js';

export interface RatePhase extends PhaseCommon {
  kind: 'rate';
  rate: number;
  durationMs: number;
  poisson: boolean;
}

const rateFields = {
  rate: unit.rate().optional().describe('open model: constant requests/s (or such as 6000/min)'),
  poisson: z.boolean().optional(),
};

const load = async (s: RatePhase): Promise<OpenLoad> => ({ schedule: rateSchedule({ rate: s.rate, durationMs: s.durationMs, poisson: s.poisson, make: requestMix(s.requests) }), durationMs: s.durationMs });

/** Open model at a constant rate, evenly spaced or Poisson arrivals. */
export const ratePhase: PhaseKind<RatePhase, typeof rateFields> = {
  key: 'rate',
  fields: rateFields,
  needsDuration: true,
  open: true,
  normalize: (p, d) => ({ kind: 'rate', name: p.name ?? `rate ${p.rate} req/s`, requests: d.requests, rate: p.rate!, durationMs: d.durationMs, poisson: p.poisson ?? false }),
  describe: (s) => `${s.poisson ? 'Poisson' : 'constant'} ${s.rate} req/s for ${seconds(s.durationMs)} (open model)`,
  run: async (s, ctx) => runOpenPhase(ratePhase, s, await load(s), ctx),
  plannedRequests: (s) => Math.max(1, Math.round((s.rate * s.durationMs) / 1000)),
  spread: { split: 'stripe', load },
};
