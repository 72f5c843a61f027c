import { createRequire } from 'node:module';
import type { Series } from './write-request.js';

/** The parts of a run's progress snapshot that become series (replay's ProgressSnapshot has them). */
interface Hist {
  readonly totalCount: number;
  readonly maxValue: number;
  getValueAtPercentile(p: number): number;
}
export interface LiveSnapshot {
  elapsedMs: number;
  completed: number;
  errors: number;
  dropped: number;
  inFlight: number;
  targets?: readonly { url: string; completed: number; errorReasons: Readonly<Record<string, number>>; rawLatency: Hist; lag: Hist }[];
}

type Histogram = Hist & { reset(): void; add(h: unknown): void; subtract(h: unknown): void };
// The 32-bit class alone, as replay's stats use (the package index also loads its WebAssembly build).
const Int32Histogram = (createRequire(import.meta.url)('hdr-histogram-js/dist/Int32Histogram.js') as { default: new (lo: number, hi: number, digits: number) => Histogram }).default;
const newHist = (): Histogram => Object.assign(new Int32Histogram(1, 3_600_000_000, 3), { autoResize: true });

/**
 * Turns each snapshot (once a second) into the samples of that interval: per target the rate of
 * responses, latency p50/p90/p99/max (from the send: raw) and schedule-lag p99 of the interval (the
 * histogram since the previous snapshot), and counters of responses and of errors by reason. Labels: `run` (the replay
 * or scenario · configuration · phase) and `target`, plus the ones given (`job`, …).
 */
export class LiveSeries {
  private readonly prev = new Map<string, { at: number; completed: number; latency: Histogram; lag: Histogram }>();

  constructor(private readonly labels: Record<string, string>) {}

  series(run: string, p: LiveSnapshot, nowMs = Date.now()): Series[] {
    const out: Series[] = [];
    const put = (name: string, value: number, extra: Record<string, string>): void => void out.push({ labels: { ...this.labels, __name__: name, run, ...extra }, value, timestampMs: nowMs });
    put('shadowtap_in_flight', p.inFlight, {});
    put('shadowtap_dropped_total', p.dropped, {});
    for (const t of p.targets ?? []) {
      const key = `${run}\0${t.url}`;
      const last = this.prev.get(key) ?? { at: 0, completed: 0, latency: newHist(), lag: newHist() };
      const dt = (p.elapsedMs - last.at) / 1000;
      const target = { target: t.url };
      put('shadowtap_responses_total', t.completed, target);
      if (dt > 0) put('shadowtap_rate', (t.completed - last.completed) / dt, target);
      const latency = delta(t.rawLatency, last.latency);
      if (latency.totalCount > 0) {
        for (const q of [50, 90, 99]) put('shadowtap_latency_seconds', latency.getValueAtPercentile(q) / 1e6, { ...target, quantile: String(q / 100) });
        put('shadowtap_latency_seconds', latency.maxValue / 1e6, { ...target, quantile: '1' });
      }
      const lag = delta(t.lag, last.lag);
      if (lag.totalCount > 0) put('shadowtap_lag_p99_seconds', lag.getValueAtPercentile(99) / 1e6, target);
      for (const [reason, n] of Object.entries(t.errorReasons)) put('shadowtap_errors_total', n, { ...target, reason });
      this.prev.set(key, { at: p.elapsedMs, completed: t.completed, latency: last.latency, lag: last.lag });
    }
    return out;
  }
}

/** The interval's histogram (now − before); `before` becomes now. */
function delta(now: Hist, before: Histogram): Histogram {
  const d = newHist();
  d.add(now);
  d.subtract(before);
  before.reset();
  before.add(now);
  return d;
}
