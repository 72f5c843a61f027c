import type { Histogram } from 'hdr-histogram-js';
import type { EndpointStats, ErrorClass, IntervalStats, RequestResult, TargetSummary } from '../types.js';
import { newHistogram, percentilesMs, recordUs } from './histogram.js';

/** Endpoints beyond this many share one "other" bucket, so memory stays bounded on any capture. */
const MAX_ENDPOINTS = 200;

interface Interval {
  offered: number;
  ok: number;
  errors: number;
  latency: Histogram;
  errorLatency?: Histogram;
}

interface Endpoint {
  requests: number;
  errors: number;
  latency: Histogram;
  statuses: Record<string, number>;
}

/**
 * Everything measured for one target. Each interval has its own histograms; when the interval is
 * read out its histograms are merged into the totals (never percentiles averaged).
 */
export class TargetStats {
  readonly latency = newHistogram();
  readonly rawLatency = newHistogram();
  readonly lag = newHistogram();
  readonly statuses: Record<string, number> = {};
  readonly errors: Partial<Record<ErrorClass, number>> = {};
  requests = 0;
  completed = 0;
  errorCount = 0;
  dropped = 0;
  queued = 0;
  skipped = 0;
  lastSentUs = 0;
  private readonly intervals = new Map<number, Interval>();
  /** Intervals before this are closed; a straggler for one goes straight into the totals. */
  private closedBeforeUs = 0;
  private readonly late: Interval = newInterval();
  private readonly closed: IntervalStats[] = [];
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(
    readonly url: string,
    private readonly intervalUs: number,
    private readonly skipAfterUs: number,
  ) {}

  /** A request was scheduled for this target (counted in its interval's offered load). */
  offered(intendedUs: number): void {
    this.requests++;
    this.interval(intendedUs).offered++; // scheduling is in order, so never a closed interval
  }

  record(r: RequestResult): void {
    this.completed++;
    if (!r.error) this.lastSentUs = Math.max(this.lastSentUs, r.sentUs);
    recordUs(this.lag, r.lagUs);
    if (r.queued) this.queued++;
    if (r.lagUs > this.skipAfterUs) this.skipped++;
    const iv = this.interval(r.intendedUs);
    const ep = this.endpoint(r.endpoint);
    ep.requests++;
    if (r.error) {
      this.errorCount++;
      this.errors[r.error] = (this.errors[r.error] ?? 0) + 1;
      if (r.error === 'dropped') this.dropped++;
      iv.errors++;
      ep.errors++;
      if (r.error !== 'dropped') recordUs((iv.errorLatency ??= newHistogram()), r.latencyUs);
      return;
    }
    const code = String(r.status);
    this.statuses[code] = (this.statuses[code] ?? 0) + 1;
    ep.statuses[code] = (ep.statuses[code] ?? 0) + 1;
    iv.ok++;
    recordUs(iv.latency, r.latencyUs);
    recordUs(this.rawLatency, r.rawLatencyUs);
    recordUs(ep.latency, r.latencyUs);
  }

  /** Closes intervals that ended before `beforeUs` (all when omitted), merging them into the totals. */
  closeIntervals(beforeUs = Infinity): void {
    for (const [start, iv] of [...this.intervals].sort((a, b) => a[0] - b[0])) {
      if (start + this.intervalUs > beforeUs) break;
      this.closedBeforeUs = start + this.intervalUs;
      this.closed.push({
        startMs: start / 1000,
        offered: iv.offered,
        ok: iv.ok,
        errors: iv.errors,
        latency: percentilesMs(iv.latency),
        ...(iv.errorLatency ? { errorLatency: percentilesMs(iv.errorLatency) } : {}),
      });
      this.latency.add(iv.latency);
      this.intervals.delete(start);
    }
  }

  /**
   * Offered: requests per second of schedule (first to last intended send). Achieved: answered
   * requests per second over the same kind of span, first to last actual send — so the two compare
   * like for like; with pace 'max' both spans are the whole run.
   */
  summary(durationUs: number, offeredSpanUs: number, paced: boolean): TargetSummary {
    this.closeIntervals();
    this.latency.add(this.late.latency);
    const lag = percentilesMs(this.lag);
    const seconds = Math.max(paced ? this.lastSentUs : durationUs, 1) / 1e6;
    return {
      url: this.url,
      requests: this.requests,
      // n sends span n − 1 gaps when paced: (n − 1) / span is the rate itself.
      offeredRate: round((paced ? Math.max(0, this.requests - 1) : this.requests) / Math.max(offeredSpanUs / 1e6, 1e-6)),
      achievedRate: round((paced ? Math.max(0, this.completed - this.errorCount - 1) : this.completed - this.errorCount) / seconds),
      latency: percentilesMs(this.latency),
      rawLatency: percentilesMs(this.rawLatency),
      scheduleLag: { p50: lag.p50, p99: lag.p99, max: lag.max },
      statuses: this.statuses,
      errors: this.errors,
      dropped: this.dropped,
      queued: this.queued,
      endpoints: [...this.endpoints].map(([endpoint, e]): EndpointStats => ({ endpoint, requests: e.requests, errors: e.errors, latency: percentilesMs(e.latency), statuses: e.statuses })),
      intervals: this.closed,
    };
  }

  private interval(atUs: number): Interval {
    if (atUs < this.closedBeforeUs) return this.late;
    const start = Math.floor(Math.max(0, atUs) / this.intervalUs) * this.intervalUs;
    let iv = this.intervals.get(start);
    if (!iv) {
      iv = newInterval();
      this.intervals.set(start, iv);
    }
    return iv;
  }

  private endpoint(name: string): Endpoint {
    let ep = this.endpoints.get(name);
    if (!ep) {
      if (this.endpoints.size >= MAX_ENDPOINTS) return this.endpoint('other');
      ep = { requests: 0, errors: 0, latency: newHistogram(), statuses: {} };
      this.endpoints.set(name, ep);
    }
    return ep;
  }
}

function newInterval(): Interval {
  return { offered: 0, ok: 0, errors: 0, latency: newHistogram() };
}

const round = (x: number): number => Math.round(x * 100) / 100;
