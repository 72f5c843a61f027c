import { serverLatencyUs } from '../../exchange.js';
import { printable } from '../../printable.js';
import { listingOutput } from './listing.js';

const TAB = '\t';
const FIELD = { field: true };

/**
 * `cat` tsv, the machine form (CLI contract): start_us method target status latency_us, `-` where
 * unknown, one line per exchange, as `${value}` would print each. Captured text is escaped (printable):
 * no control sequence reaches a terminal, and no tab or newline shifts a column.
 */
export const output = listingOutput({
  add(ex, out) {
    out.num(ex.timing.requestStartUs);
    out.raw(TAB);
    out.raw(printable(ex.request.method, FIELD));
    out.raw(TAB);
    out.raw(printable(ex.request.target, FIELD));
    out.raw(TAB);
    const status = ex.response?.status;
    if (status === undefined) out.raw('-');
    else out.num(status);
    out.raw(TAB);
    const latency = serverLatencyUs(ex);
    if (latency === undefined) out.raw('-');
    else out.num(latency);
    out.endLine();
  },
});
