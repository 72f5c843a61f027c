import { CaptureWriter } from '../../formats/capture-file.js';
import type { OutputModule, Sink } from '../sink.js';

/** The capture file: .jsonl or .jsonl.gz (mode 0600); `-` is stdout. Its first line records origin and redaction. */
export const output: OutputModule = {
  async open(path, opts) {
    const w = CaptureWriter.open(path, { ...(opts.origin ? { source: opts.origin } : {}), redaction: opts.redaction });
    const sink: Sink = {
      name: path,
      async write(batch) {
        for (const ex of batch) await w.write(ex);
      },
      flush: async () => {},
      close: () => w.close(),
      stats: () => ({ written: w.count }),
    };
    return sink;
  },
};
