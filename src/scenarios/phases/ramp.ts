import { z } from 'zod';
import { rampSchedule } from '../../replay/schedule/ramp.js';
import * as unit from '../../units/schema.js';
import { findKnee } from '../knee.js';
import { requestMix } from '../mix.js';
import { runOpenPhase, type OpenLoad } from '../measure/open-phase.js';
import { seconds, type PhaseCommon, type PhaseKind } from './kind.js';

export interface RampPhase extends PhaseCommon {
  kind: 'ramp';
  from: number;
  to: number;
  durationMs: number;
}

const rampFields = {
  ramp: z.strictObject({ from: unit.rate({ zero: true }), to: unit.rate() }).optional().describe('open model: requests/s rising linearly'),
};

const load = async (s: RampPhase): Promise<OpenLoad> => ({ schedule: rampSchedule({ from: s.from, to: s.to, durationMs: s.durationMs, make: requestMix(s.requests) }), durationMs: s.durationMs });

/** Open model with the rate rising linearly: where it stops keeping up is its knee. */
export const rampPhase: PhaseKind<RampPhase, typeof rampFields> = {
  key: 'ramp',
  fields: rampFields,
  needsDuration: true,
  open: true,
  normalize: (p, d) => ({ kind: 'ramp', name: p.name ?? `ramp ${p.ramp!.from}→${p.ramp!.to} req/s`, requests: d.requests, from: p.ramp!.from, to: p.ramp!.to, durationMs: d.durationMs }),
  describe: (s) => `ramp ${s.from} → ${s.to} req/s over ${seconds(s.durationMs)} (open model)`,
  run: async (s, ctx) => runOpenPhase(rampPhase, s, await load(s), ctx),
  plannedRequests: (s) => Math.max(1, Math.round((((s.from + s.to) / 2) * s.durationMs) / 1000)),
  spread: { split: 'stripe', load },
  annotate(report, s, scenario) {
    report.knee = findKnee(report.stats.intervals, report.intervalMs, s.durationMs, scenario.knee.p99Ms, scenario.knee.errorBudget);
    if (report.knee.breakAtMs !== undefined) report.timeline = [{ atMs: report.knee.breakAtMs, label: `knee: ${report.knee.kneeRate ?? '–'} req/s` }];
  },
};
