import type { Histogram } from 'hdr-histogram-js';
import type { DistributionPoint, PhaseEndpoint, PhaseInterval } from '../../report/model.js';
import { distributionFromHistogram } from '../../report/distribution.js';
import { newHistogram, percentilesMs, recordUs } from '../../replay/stats/histogram.js';
import { Reservoir } from './reservoir.js';
import { achievedRate } from '../../replay/stats/target-stats.js';
import type { ErrorClass, Percentiles } from '../../replay/types.js';

/** Percentiles of what was measured; null when nothing was (an empty histogram's zeros are no latency). */
const measured = (h: Histogram): Percentiles | null => (h.totalCount ? percentilesMs(h) : null);

/** What a scenario counts per request: the engine's result, or autocannon's, in one shape. */
export interface Outcome {
  endpoint: string;
  /** µs since the phase start: intended send time (open model) or actual send (closed model). */
  intendedUs: number;
  latencyUs: number;
  status?: number;
  error?: ErrorClass;
}

/** Responses with this status or above are failed requests in a scenario (as k6 counts them). */
export const FAIL_STATUS = 400;

export interface Bucket {
  offered: number;
  ok: number;
  failed: number;
  latency: Histogram;
  failedLatency: Histogram;
}

export const bucket = (): Bucket => ({ offered: 0, ok: 0, failed: 0, latency: newHistogram(), failedLatency: newHistogram() });

/**
 * Per-interval and per-endpoint statistics in a scenario's terms: a 503 from an overloaded server is a
 * failed request (the replay engine counts it as a response, which it is). Latency percentiles are
 * of successful requests; failed ones have their own. Histograms merge, percentiles never average.
 */
export class Outcomes {
  /** Interval index → bucket; endpoint → bucket and its status (or error kind) counts. */
  readonly intervals = new Map<number, Bucket>();
  readonly endpoints = new Map<string, { b: Bucket; statuses: Record<string, number> }>();
  readonly total = bucket();
  /** Successful requests' latencies (ms), sampled: what an A/B comparison resamples. */
  readonly sample = new Reservoir();

  firstDoneUs = Infinity;
  lastDoneUs = 0;

  constructor(readonly intervalMs: number) {}

  /** Successful responses per second, first to last response. */
  achievedRate(): number {
    return achievedRate(this.total.ok, this.firstDoneUs, this.lastDoneUs);
  }

  /** Every request sent (or dropped) produces exactly one outcome, so this also counts the offered load. */
  record(o: Outcome): void {
    const failed = o.error !== undefined || (o.status ?? 0) >= FAIL_STATUS;
    let ep = this.endpoints.get(o.endpoint);
    if (!ep) this.endpoints.set(o.endpoint, (ep = { b: bucket(), statuses: {} }));
    const key = o.error ?? String(o.status);
    ep.statuses[key] = (ep.statuses[key] ?? 0) + 1;
    // An interval holds the load sent in it (offered, and the latency that load met) and the
    // responses that came in it (ok, failed): a target past capacity answers less than it was offered.
    const sent = this.at(o.intendedUs);
    const doneUs = o.intendedUs + o.latencyUs;
    const done = this.at(doneUs);
    for (const b of [sent, ep.b, this.total]) {
      b.offered++;
      if (failed) {
        if (o.error !== 'dropped') recordUs(b.failedLatency, o.latencyUs);
      } else recordUs(b.latency, o.latencyUs);
    }
    for (const b of [done, ep.b, this.total]) {
      if (failed) b.failed++;
      else b.ok++;
    }
    if (!failed) {
      this.sample.add(o.latencyUs / 1000);
      this.firstDoneUs = Math.min(this.firstDoneUs, doneUs);
      this.lastDoneUs = Math.max(this.lastDoneUs, doneUs);
    }
  }

  get completed(): number {
    return this.total.ok + this.total.failed;
  }

  errorRate(): number {
    return this.completed ? this.total.failed / this.completed : 0;
  }

  latency(): Percentiles | null {
    return measured(this.total.latency);
  }

  distribution(): DistributionPoint[] {
    return distributionFromHistogram(this.total.latency);
  }

  intervalStats(): PhaseInterval[] {
    return [...this.intervals]
      .sort((a, b) => a[0] - b[0])
      .map(([i, b]) => ({
        startMs: i * this.intervalMs,
        offered: b.offered,
        ok: b.ok,
        errors: b.failed,
        latency: measured(b.latency),
        ...(b.failedLatency.totalCount ? { errorLatency: percentilesMs(b.failedLatency) } : {}),
      }));
  }

  endpointStats(): PhaseEndpoint[] {
    return [...this.endpoints].map(([endpoint, { b, statuses }]) => ({
      endpoint,
      requests: b.ok + b.failed,
      errors: b.failed,
      latency: measured(b.latency),
      statuses,
    }));
  }

  /** Another generator's outcomes of the same phase (a worker's share): counts add, histograms merge. */
  absorb(o: Pick<Outcomes, 'intervals' | 'endpoints' | 'total' | 'firstDoneUs' | 'lastDoneUs'> & { sample: { values: readonly number[]; seen: number } }): void {
    for (const [i, b] of o.intervals) addBucket(this.intervalAt(i), b);
    for (const [name, e] of o.endpoints) {
      let ep = this.endpoints.get(name);
      if (!ep) this.endpoints.set(name, (ep = { b: bucket(), statuses: {} }));
      addBucket(ep.b, e.b);
      for (const [k, n] of Object.entries(e.statuses)) ep.statuses[k] = (ep.statuses[k] ?? 0) + n;
    }
    addBucket(this.total, o.total);
    this.sample.absorb(o.sample.values, o.sample.seen);
    this.firstDoneUs = Math.min(this.firstDoneUs, o.firstDoneUs);
    this.lastDoneUs = Math.max(this.lastDoneUs, o.lastDoneUs);
  }

  private at(us: number): Bucket {
    return this.intervalAt(Math.floor(Math.max(0, us) / 1000 / this.intervalMs));
  }

  private intervalAt(i: number): Bucket {
    let b = this.intervals.get(i);
    if (!b) this.intervals.set(i, (b = bucket()));
    return b;
  }
}

function addBucket(into: Bucket, b: Bucket): void {
  into.offered += b.offered;
  into.ok += b.ok;
  into.failed += b.failed;
  into.latency.add(b.latency);
  into.failedLatency.add(b.failedLatency);
}
