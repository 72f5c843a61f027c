import { newStats, readCaptureBatches } from '../../formats/capture-file.js';
import type { InputModule } from '../source.js';
import { stoppable } from '../batches.js';
import { isHarHead, stdinHead } from '../stdin-head.js';

/** Capture files (.jsonl, .jsonl.gz; `-` is stdin), already read a chunk's worth at a time. */
export const input: InputModule = {
  async open(path, opts) {
    // Stdin has no name to tell a HAR export by: read as lines it failed at line 1 with advice to skip lines.
    if (path === '-' && isHarHead(await stdinHead())) return (await import('./har.js')).input.open(path, opts);
    const stats = newStats();
    const read = { skipInvalid: opts.skipInvalid ?? false, ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) };
    return { name: path, origin: { kind: 'jsonl', capture: path }, ...stoppable(() => readCaptureBatches(path, read, stats)), stats: () => ({ ...stats }) };
  },
};
