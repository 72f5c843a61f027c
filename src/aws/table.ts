import type { TargetRow } from './discover.js';

/** Aligned text columns: target group, id, port, AZ, state, reason. */
export function targetsTable(rows: TargetRow[]): string {
  const head = ['TARGET_GROUP', 'ID', 'PORT', 'AZ', 'STATE', 'REASON'];
  const cells = rows.map((r) => [r.targetGroup, r.id, String(r.port), r.az ?? '-', r.state, r.reason ?? '-']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...cells.map(line)].join('\n') + '\n';
}
