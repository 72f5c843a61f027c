import type { DrainUnderLoadResult } from './drain-load.js';
import type { TimelineEvent } from './timeline.js';

const pad = (n: number, w = 7): string => String(n).padStart(w);

/** The human summary of a drain under load: verdict, timeline, failures with their times. */
export function drainText(r: DrainUnderLoadResult): string {
  const c = r.cycle;
  const verdict = r.passed ? 'PASS' : c.error ? 'ERROR' : 'FAIL';
  const lines = [`drain ${c.targetGroup} ${c.target} (${c.mode}): ${verdict} — ${r.failures.count} of ${r.requests} requests failed through the load balancer`];
  // Indented as one block: the error may carry the command's output and a target left deregistered.
  if (c.error) lines.push(`  error: ${c.error.message.replace(/\n/g, '\n    ')}`);
  lines.push('timeline (ms since load start):');
  for (const e of r.timeline) lines.push(`${pad(e.atMs)}  ${e.kind.padEnd(5)}  ${e.target}  ${e.name}${e.detail ? `  ${e.detail}` : ''}`);
  const f = r.failures;
  if (f.count) {
    const kinds = Object.entries(f.byKind).map(([k, n]) => `${k}: ${n}`).join(', ');
    lines.push(`failures: ${f.count} (${kinds}), first at ${f.firstAtMs} ms, last at ${f.lastAtMs} ms`);
    for (const x of f.first.slice(0, 10)) lines.push(`${pad(x.atMs)}  ${x.at}  ${x.status ?? x.error}`);
    if (f.count > 10) lines.push(`    … ${f.count - 10} more`);
  }
  const t = r.load.targets[0];
  if (t) lines.push(`load: ${t.requests} requests, ${t.achievedRate.toFixed(1)} req/s, p50 ${t.latency.p50} ms, p99 ${t.latency.p99} ms${r.load.validity.valid ? '' : ` (generator behind: ${r.load.validity.reasons.join('; ')})`}`);
  return lines.join('\n') + '\n';
}

/** JSON-safe copy (the error as its message). */
export function drainJson(r: DrainUnderLoadResult): unknown {
  return { ...r, cycle: { ...r.cycle, error: r.cycle.error?.message } };
}

/** One progress line: `+12.3s 10.0.1.12:8080 draining (Target.DeregistrationInProgress)`. */
export function eventLine(e: TimelineEvent, t0: number): string {
  const what = e.kind === 'state' ? `${e.target} ${e.name}` : `${e.name} ${e.target}`;
  return `+${((e.at - t0) / 1000).toFixed(1)}s ${what}${e.detail ? ` (${e.detail})` : ''}`;
}
