import { newAlbStats, readAlbLogs } from '../../capture/input-alb-logs.js';
import type { InputModule } from '../source.js';
import { batched, stoppable } from '../batches.js';

/** AWS ALB access logs: the target and `opts.more` are files or directories (plain or .gz). */
export const input: InputModule = {
  async open(first, opts) {
    const paths = [first, ...(opts.more ?? [])];
    const stats = newAlbStats();
    const read = { stats, ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) };
    return { name: paths.join(', '), origin: { kind: 'alb-log', paths }, ...stoppable(() => batched(readAlbLogs(paths, read))), stats: () => stats };
  },
};
