import { LiveSeries, type LiveSnapshot } from './live-series.js';
import { RemoteWriter } from './remote-write.js';

export type { LiveSnapshot } from './live-series.js';
export type { Series } from './write-request.js';
export { encodeWriteRequest } from './write-request.js';

/** Live metrics of a run for `--metrics-remote-write URL`: snapshots in, remote-write batches out. */
export interface LiveMetrics {
  snapshot(run: string, p: LiveSnapshot): void;
  close(): Promise<void>;
}

export function liveMetrics(url: string, labels: Record<string, string> = {}, warn: (m: string) => void = (m) => void process.stderr.write(`warning: ${m}\n`)): LiveMetrics {
  const writer = new RemoteWriter(url, { onError: warn });
  const series = new LiveSeries({ job: 'shadowtap', ...labels });
  return {
    snapshot: (run, p) => writer.push(series.series(run, p)),
    async close() {
      const s = await writer.close();
      if (s.dropped || s.failed) warn(`remote write: ${s.sent} batches sent, ${s.failed} failed, ${s.dropped} dropped (queue full, or left at the end)`);
    },
  };
}
