import { CaptureWriter } from '../../formats/capture-file.js';
import type { OutputModule } from '../sink.js';
import { writerSink } from './writer-sink.js';

/** The capture file: .jsonl or .jsonl.gz (mode 0600); `-` is stdout. Its first line records origin and redaction. */
export const output: OutputModule = {
  open: async (path, opts) => writerSink(path, CaptureWriter.open(path, { ...(opts.origin ? { source: opts.origin } : {}), redaction: opts.redaction })),
};
