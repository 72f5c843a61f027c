import { resolve } from 'node:path';
import { z } from 'zod';
import { openExchanges } from '../../io/open.js';
import { captureSchedule } from '../../replay/schedule/capture.js';
import { runOpenPhase, type OpenLoad } from '../measure/open-phase.js';
import type { PhaseCommon, PhaseKind } from './kind.js';

export interface ReplayPhase extends PhaseCommon {
  kind: 'replay';
  capture: string;
  speed?: number;
  loop: number;
}

const replayFields = {
  replay: z.string().optional().describe('a capture file (.jsonl[.gz], .har, .gor, .pcap) replayed as recorded'),
  speed: z.number().positive().optional(),
  loop: z.number().int().positive().optional(),
};

async function load(s: ReplayPhase): Promise<OpenLoad> {
  await openExchanges(s.capture); // fail here (exit 2, naming the file) rather than mid-run
  // A function, not the iterable: each loop reopens the capture.
  const schedule = captureSchedule(async function* () {
    yield* await openExchanges(s.capture);
  }, { speed: s.speed ?? 1, loop: s.loop });
  return { schedule };
}

/** A capture replayed as recorded (open model: its timing is the schedule), at any speed, looped. */
export const replayPhase: PhaseKind<ReplayPhase, typeof replayFields> = {
  key: 'replay',
  fields: replayFields,
  needsDuration: false,
  open: true,
  normalize: (p, d) => ({ kind: 'replay', name: p.name ?? `replay ${p.replay}`, requests: d.requests, capture: resolve(d.base, p.replay!), speed: p.speed, loop: p.loop ?? 1 }),
  describe: (s) => `replay of ${s.capture}${s.speed ? ` at ${s.speed}×` : ''}${s.loop > 1 ? `, ${s.loop} loops` : ''}`,
  run: async (s, ctx) => runOpenPhase(replayPhase, s, await load(s), ctx),
  // A recorded session's requests stay on one worker, in order.
  spread: { split: 'session', load },
};
