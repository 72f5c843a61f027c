import type { Exchange } from '../../exchange.js';
import { writeHarFile } from '../../formats/har-file.js';
import type { OutputModule } from '../sink.js';

/** A HAR 1.2 file: one JSON document, so it is written whole when the sink closes. */
export const output: OutputModule = {
  async open(path) {
    const held: Exchange[] = [];
    return {
      name: path,
      write: async (batch) => void held.push(...batch),
      flush: async () => {},
      close: async () => void (await writeHarFile(path, held)),
      stats: () => ({ written: held.length }),
    };
  },
};
