import { printable } from '../printable.js';
import type { ReplaySummary } from './types.js';
import { errorBreakdown } from './verdict.js';
import { pct } from '../units/format.js';

/** The human summary on stdout: one block per target, then differences and validity. */
export function printSummary(s: ReplaySummary, out: NodeJS.WritableStream): void {
  const lines: string[] = [];
  for (const t of s.targets) {
    const errs = errorBreakdown(t) || 'none';
    const statuses = Object.entries(t.statuses).map(([k, v]) => `${k}×${v}`).join(' ') || '-';
    lines.push(
      `${t.url}`,
      `  requests ${t.requests}  offered ${t.offeredRate}/s  achieved ${t.achievedRate}/s  dropped ${t.dropped}`,
      `  latency ms (from intended)  p50 ${t.latency.p50}  p90 ${t.latency.p90}  p99 ${t.latency.p99}  p99.9 ${t.latency.p999}  max ${t.latency.max}`,
      `  raw latency ms (from send)  p50 ${t.rawLatency.p50}  p90 ${t.rawLatency.p90}  p99 ${t.rawLatency.p99}  max ${t.rawLatency.max}`,
      `  schedule lag ms (at the socket write)  p50 ${t.scheduleLag.p50}  p99 ${t.scheduleLag.p99}  max ${t.scheduleLag.max}${t.queued ? `  queued for a connection ${t.queued}` : ''}`,
      `  statuses ${statuses}  errors ${errs}`,
    );
  }
  for (const d of s.differences?.targets ?? []) {
    lines.push(`differences (${s.differences!.mode}) ${d.url}: ${d.differing} of ${d.compared} differ, ${d.regressions} ${s.differences!.mode === 'noise' ? 'beyond noise' : 'in all'}`);
    if (d.notCompared) lines.push(`  not compared ${d.notCompared.count}: ${d.notCompared.reasons.map((r) => `${r.reason} ×${r.count}`).join('; ')}`);
    for (const f of d.fields.slice(0, 10)) lines.push(`  ${f.endpoint}  ${f.field}  ×${f.count}${f.noise ? '  (noise)' : ''}`);
  }
  const v = s.validity;
  lines.push(`run ${v.valid ? 'valid' : 'INVALID'}: lag p99 ${v.scheduleLagP99Ms ?? '-'} ms, event-loop delay p99 ${v.eventLoopDelayP99Ms} ms, cpu ${v.cpu}${v.reasons.length ? ` — ${v.reasons.join('; ')}` : ''}`);
  for (const c of s.verdict?.checks ?? []) lines.push(`${c.configuration}: transport errors ${pct(c.actual as number)} (limit ${pct(c.limit as number)}) ${c.pass ? 'ok' : 'FAILED'}`);
  if (s.verdict) lines.push(`verdict ${s.verdict.result} (exit ${s.verdict.exitCode})`);
  // Endpoints and fields come from captured paths and responses.
  out.write(printable(lines.join('\n')) + '\n');
}
