import { listingOutput } from './listing.js';

/** `cat --format json`: each exchange as one line of JSON, the Exchange record as it is. */
export const output = listingOutput({
  add(ex, out) {
    out.raw(JSON.stringify(ex));
    out.endLine();
  },
});
