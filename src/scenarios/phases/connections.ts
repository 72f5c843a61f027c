import { z } from 'zod';
import { runClosedPhase } from '../measure/closed-phase.js';
import { seconds, type PhaseCommon, type PhaseKind } from './kind.js';

export interface ConnectionsPhase extends PhaseCommon {
  kind: 'connections';
  connections: number;
  durationMs: number;
}

const connectionsFields = {
  connections: z.number().int().positive().optional().describe('closed model (autocannon): this many connections, as fast as they go'),
};

/** Closed model through autocannon: N connections as fast as they go (throughput, not latency under load). */
export const connectionsPhase: PhaseKind<ConnectionsPhase, typeof connectionsFields> = {
  key: 'connections',
  fields: connectionsFields,
  needsDuration: true,
  open: false,
  normalize: (p, d) => ({ kind: 'connections', name: p.name ?? `${p.connections} connections`, requests: d.requests, connections: p.connections!, durationMs: d.durationMs }),
  describe: (s) => `${s.connections} connections for ${seconds(s.durationMs)} (closed model, autocannon)`,
  run: (s, ctx) => runClosedPhase(connectionsPhase, s, ctx),
  // Each worker opens its share of the connections (normalisation keeps workers ≤ connections).
  spread: { share: (s, index, count) => ({ ...s, connections: Math.floor(s.connections / count) + (index < s.connections % count ? 1 : 0) }) },
};
