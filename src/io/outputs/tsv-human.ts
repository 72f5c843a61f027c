import { serverLatencyUs, type Exchange } from '../../exchange.js';
import { printable } from '../../printable.js';
import { listingOutput } from './listing.js';

const FIELD = { field: true };
const HEADER = `${'time (UTC)'.padEnd(27)}  ${'method'.padEnd(7)}  status  ${'latency'.padStart(10)}  target`;

/**
 * `cat` tsv for a person (on a terminal, or `--human`): a header, ISO time to the µs, latency in ms,
 * the target last so the columns line up. Pipes get the machine form (tsv.ts) unless asked. Captured
 * text is escaped (printable) as in the machine form.
 */
export const output = listingOutput({
  add(ex, out, index) {
    if (index === 0) {
      out.raw(HEADER);
      out.endLine();
    }
    out.raw(humanLine(ex));
    out.endLine();
  },
});

function humanLine(ex: Exchange): string {
  const us = ex.timing.requestStartUs;
  const iso = Number.isFinite(us) ? `${new Date(Math.floor(us / 1000)).toISOString().slice(0, -1)}${String(us % 1000).padStart(3, '0')}Z` : String(us);
  const latencyUs = serverLatencyUs(ex);
  const latency = latencyUs === undefined ? '-' : `${(latencyUs / 1000).toFixed(3)} ms`;
  const status = String(ex.response?.status ?? '-');
  return `${iso.padEnd(27)}  ${printable(ex.request.method, FIELD).padEnd(7)}  ${status.padEnd(6)}  ${latency.padStart(10)}  ${printable(ex.request.target, FIELD)}`;
}
