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
    // An empty histogram or a rate over fewer than two events reads 0 in the summary: printed as a
    // measurement, that 0 claimed instant responses, or no load, where nothing was measured.
    const ok = sum(t.statuses);
    const answered = ok + sum(t.errors);
    const ms = (n: number, from: number): string => (from > 0 ? String(n) : '-');
    const rate = (r: number, of: number): string => (r === 0 && of > 0 ? '-' : `${r}/s`);
    const latency = (h: typeof t.latency, p999: boolean): string => `p50 ${ms(h.p50, ok)}  p90 ${ms(h.p90, ok)}  p99 ${ms(h.p99, ok)}${p999 ? `  p99.9 ${ms(h.p999, ok)}` : ''}  max ${ms(h.max, ok)}`;
    lines.push(
      `${t.url}`,
      `  requests ${t.requests}  offered ${rate(t.offeredRate, t.requests)}  achieved ${rate(t.achievedRate, ok)}  dropped ${t.dropped}`,
      `  latency ms (from intended)  ${latency(t.latency, true)}`,
      `  raw latency ms (from send)  ${latency(t.rawLatency, false)}`,
      `  schedule lag ms (at the socket write)  p50 ${ms(t.scheduleLag.p50, answered)}  p99 ${ms(t.scheduleLag.p99, answered)}  max ${ms(t.scheduleLag.max, answered)}${t.queued ? `  queued for a connection ${t.queued}` : ''}`,
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

function sum(counts: Partial<Record<string, number>>): number {
  let n = 0;
  for (const v of Object.values(counts)) n += v ?? 0;
  return n;
}
