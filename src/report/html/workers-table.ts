import type { WorkerReport } from '../../replay/types.js';
import { badge, code, measure, table, type Cell } from './table.js';

/** A run spread over workers: each one's share, clock and own validity (empty for a single process). */
export function workersTable(workers: readonly WorkerReport[] | undefined): string {
  if (!workers?.length) return '';
  const rows = workers.map((w): Cell[] => [
    code(w.name), measure(w.requests, 'count'), measure(w.clockSkewMs, 'ms'), measure(w.rttMs, 'ms'), measure(w.startLateMs, 'ms'),
    measure(w.validity.scheduleLagP99Ms ?? 0, 'ms'), measure(w.validity.eventLoopDelayP99Ms, 'ms'), measure(w.validity.cpu, 'count'),
    { html: w.validity.valid ? badge('valid', 'good') : badge('invalid', 'bad'), value: w.validity.valid },
  ]);
  return `<section class="part"><h3>Workers</h3>${table('workers', ['Worker', 'Requests', 'Clock skew', 'Round trip', 'Started late', 'Lag p99', 'Loop delay p99', 'CPU (cores)', 'Validity'], rows, 'Every worker started at one common time (its clock corrected by the skew measured over the round trip); the run is valid only if every worker was.')}</section>`;
}
