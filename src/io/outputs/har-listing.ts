import { harDocument } from '../../formats/har-file.js';
import { writeHarEntry } from '../../formats/har-line.js';
import { listingOutput } from './listing.js';

/**
 * `cat --format har`: one HAR 1.2 document on stdout, an entry per line (the capture file's entry,
 * formats/har-line.ts), streamed as exchanges come rather than held to the end like a .har file.
 */
// The envelope of the .har file's document (formats/har-file.ts), cut where its entries go.
const EMPTY = JSON.stringify(harDocument([]));
const HEAD = EMPTY.slice(0, EMPTY.lastIndexOf('[]') + 1);
const TAIL = EMPTY.slice(EMPTY.lastIndexOf('[]') + 1);

export const output = listingOutput({
  open(out) {
    out.raw(HEAD);
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
    out.raw(TAIL);
    out.endLine();
  },
});
