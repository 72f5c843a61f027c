import { serverLatencyUs } from '../../exchange.js';
import { listingOutput } from './listing.js';

const TAB = '\t';

/**
 * `cat` tsv, the machine form (CLI contract): start_us method target status latency_us, `-` where
 * unknown, one line per exchange, as `${value}` would print each.
 */
export const output = listingOutput({
  add(ex, out) {
    out.num(ex.timing.requestStartUs);
    out.raw(TAB);
    out.raw(ex.request.method);
    out.raw(TAB);
    out.raw(ex.request.target);
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
