import { writeHarEntry } from '../../formats/har-line.js';
import { VERSION } from '../../version.js';
import { listingOutput } from './listing.js';

/**
 * `cat --format har`: one HAR 1.2 document on stdout, an entry per line (the capture file's entry,
 * formats/har-line.ts), streamed as exchanges come rather than held to the end like a .har file.
 */
export const output = listingOutput({
  open(out) {
    out.raw(`{"log":{"version":"1.2","creator":{"name":"shadowtap","version":${JSON.stringify(VERSION)}},"entries":[`);
    out.endLine();
  },
  add(ex, out, index) {
    // The separator ends the entry before: an entry's line is held until the next one (or the end).
    if (index > 0) {
      out.raw(',');
      out.endLine();
    }
    writeHarEntry(ex, out);
  },
  close(out) {
    out.endLine();
    out.raw(']}}');
    out.endLine();
  },
});
