import { readHarFile } from '../../formats/har-file.js';
import type { InputModule } from '../source.js';
import { batched, stoppable } from '../batches.js';

/** HAR 1.2 files (a browser's export, another tool's); `-` is a HAR document on stdin. */
export const input: InputModule = {
  async open(path, opts) {
    const stats = { invalid: 0 };
    const read = { onWarning: opts.onWarning, skipInvalid: opts.skipInvalid, stats };
    return { name: path, origin: { kind: 'har', capture: path }, ...stoppable(() => batched(readHarFile(path, read))), stats: () => ({ ...stats }) };
  },
};
