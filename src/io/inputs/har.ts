import { readHarFile } from '../../formats/har-file.js';
import type { InputModule } from '../source.js';
import { batched, stoppable } from '../batches.js';

/** HAR 1.2 files (a browser's export, another tool's). */
export const input: InputModule = {
  async open(path, opts) {
    return { name: path, origin: { kind: 'har', capture: path }, ...stoppable(() => batched(readHarFile(path, { onWarning: opts.onWarning }))), stats: () => ({}) };
  },
};
