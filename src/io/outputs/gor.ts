import { GorWriter } from '../../formats/gor.js';
import type { OutputModule } from '../sink.js';

/** GoReplay .gor records (request, then its response), streamed. */
export const output: OutputModule = {
  async open(path) {
    const w = GorWriter.open(path);
    return {
      name: path,
      async write(batch) {
        for (const ex of batch) await w.write(ex);
      },
      flush: async () => {},
      close: () => w.close(),
      stats: () => ({ written: w.count }),
    };
  },
};
