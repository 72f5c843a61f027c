import { hostname } from 'node:os';
import { exchangeBatchesFromPcapFile } from '../../capture/input-file.js';
import { newCaptureStats } from '../../capture/tcp/stream-sink.js';
import type { InputModule } from '../source.js';
import { stoppable } from '../batches.js';

/** pcap and pcapng files, gzipped or not; `-` is stdin (`tcpdump -w - | shadowtap cat -`). */
export const input: InputModule = {
  async open(path, opts) {
    const stats = newCaptureStats();
    const name = path === '-' ? 'stdin' : path;
    const read = {
      stats,
      ...(opts.onWarning ? { onWarning: opts.onWarning } : {}),
      ...(opts.ports ? { ports: opts.ports } : {}),
      ...(opts.maxBodyBytes !== undefined ? { maxBodyBytes: opts.maxBodyBytes } : {}),
      ...(opts.summary ? { summary: true } : {}),
      ...(opts.thread ? { thread: opts.thread } : {}),
      ...(opts.tagHost ? { source: { capture: path, kind: 'pcap' as const, host: hostname() } } : {}),
    };
    const origin = { kind: 'pcap', capture: path, ports: opts.ports ?? [], host: hostname() };
    return { name, origin, ...stoppable(() => exchangeBatchesFromPcapFile(path, read)), stats: () => stats };
  },
};
