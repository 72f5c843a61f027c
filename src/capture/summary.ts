import type { CaptureStats } from './tcp/stream-sink.js';

/** The end-of-run summary printed on stderr after a capture. */
export function formatSummary(s: CaptureStats, written: number): string {
  const lines = [
    `packets ${s.packets} (${s.bytes} bytes), flows ${s.flows}, exchanges ${s.exchanges} (written ${written})`,
    `incomplete ${s.incomplete}, unpaired ${s.unpaired}, non-HTTP bytes ${s.nonHttpBytes}, gaps ${s.gaps} (${s.gapBytes} bytes missing)`,
    `skipped: non-TCP packets ${s.nonTcpPackets}, IP fragments ${s.ipFragments} (not reassembled), truncated packets ${s.truncatedPackets}; memory-limit hits ${s.memoryLimitHits}`,
  ];
  if (s.decapsulated > 0) lines.push(`decapsulated: ${s.decapsulated} packets came out of VXLAN/GRE/ERSPAN tunnels (mirrored traffic)`);
  if (s.captured !== undefined || s.kernelDrops !== undefined) {
    lines.push(`tcpdump: ${s.captured ?? '?'} packets captured, drops: ${s.kernelDrops ?? '?'} dropped by kernel`);
  } else lines.push('drops: none reported (file input)');
  return lines.join('\n') + '\n';
}

/** One line of progress for long live captures. */
export function formatProgress(s: CaptureStats, written: number, elapsedS: number): string {
  return `capture ${elapsedS.toFixed(0)}s: packets ${s.packets}, flows ${s.flows}, exchanges written ${written}, gaps ${s.gaps}${s.kernelDrops === undefined ? '' : `, kernel drops ${s.kernelDrops}`}\n`;
}
