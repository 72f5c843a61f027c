import { GorWriter } from '../../formats/gor.js';
import type { OutputModule } from '../sink.js';
import { writerSink } from './writer-sink.js';

/** GoReplay .gor records (request, then its response), streamed. */
export const output: OutputModule = {
  open: async (path) => writerSink(path, GorWriter.open(path)),
};
