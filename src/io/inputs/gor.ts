import { readGorFile } from '../../formats/gor.js';
import type { InputModule } from '../source.js';
import { batched, stoppable } from '../batches.js';

/** GoReplay .gor files (plain or gzip). */
export const input: InputModule = {
  async open(path, opts) {
    const stats = { invalid: 0 };
    const read = { skipInvalid: opts.skipInvalid ?? false, stats, ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) };
    return { name: path, origin: { kind: 'gor', capture: path }, ...stoppable(() => batched(readGorFile(path, read))), stats: () => ({ ...stats }) };
  },
};
