import type { Histogram } from 'hdr-histogram-js';
import type { EndpointStats, ErrorClass, IntervalStats, RequestResult, TargetSummary } from '../types.js';
import { newHistogram, percentilesMs, recordUs } from './histogram.js';

/** Endpoints beyond this many share one "other" bucket, so memory stays bounded on any capture. */
const MAX_ENDPOINTS = 200;

/** One interval's counts and histograms (what a distributed worker sends as the interval closes). */
export interface Interval {
  offered: number;
  ok: number;
  errors: number;
  latency: Histogram;
  errorLatency?: Histogram;
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
  readonly errorReasons: Record<string, number> = {};
  requests = 0;
  completed = 0;
  errorCount = 0;
  dropped = 0;
  queued = 0;
  skipped = 0;
  /** First and last successful completion (µs since start): the span the achieved rate is over. */
  private firstDoneUs = Infinity;
  private lastDoneUs = 0;
  private readonly intervals = new Map<number, Interval>();
  /** Intervals before this are closed; a straggler for one goes straight into the totals. */
  private closedBeforeUs = 0;
  private readonly late: Interval = newInterval();
  private readonly closed: IntervalStats[] = [];
  private readonly endpoints = new Map<string, Endpoint>();
  /** The interval and endpoint the last request went to (see `interval`, `endpoint`). */
  private lastStart = NaN;
  private lastInterval: Interval | undefined;
  private lastEndpoint: [string, Endpoint] | undefined;
  /** The last status counted and its key: responses repeat a status, so it is turned into a string once. */
  private lastStatus: number | undefined;
  private lastCode = '';
  /** Told each interval as it closes, before its histograms are folded in (a distributed worker sends them on). */
  onClose?: (startUs: number, iv: Interval) => void;

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
    recordUs(this.lag, r.lagUs);
    if (r.queued) this.queued++;
    if (r.lagUs > this.skipAfterUs) this.skipped++;
    // Latency belongs to the interval whose load caused it (intended send); counts to when the
    // response came (completion), so a saturated target's responses/s show what it really served.
    const iv = this.interval(r.intendedUs);
    const doneUs = r.intendedUs + r.latencyUs;
    const done = this.interval(doneUs);
    const ep = this.endpoint(r.endpoint);
    ep.requests++;
    if (r.error) {
      this.errorCount++;
      this.errors[r.error] = (this.errors[r.error] ?? 0) + 1;
      if (r.reason) countReason(this.errorReasons, `${r.error}: ${r.reason}`, r.error);
      if (r.error === 'dropped') this.dropped++;
      done.errors++;
      ep.errors++;
      if (r.error !== 'dropped') recordUs((iv.errorLatency ??= newHistogram()), r.latencyUs);
      return;
    }
    if (r.status !== this.lastStatus) {
      this.lastStatus = r.status;
      this.lastCode = String(r.status);
    }
    const code = this.lastCode;
    this.statuses[code] = (this.statuses[code] ?? 0) + 1;
    ep.statuses[code] = (ep.statuses[code] ?? 0) + 1;
    done.ok++;
    this.firstDoneUs = Math.min(this.firstDoneUs, doneUs);
    this.lastDoneUs = Math.max(this.lastDoneUs, doneUs);
    recordUs(iv.latency, r.latencyUs);
    recordUs(this.rawLatency, r.rawLatencyUs);
    recordUs(ep.latency, r.latencyUs);
  }

  /** Closes intervals that ended before `beforeUs` (all when omitted), merging them into the totals. */
  closeIntervals(beforeUs = Infinity): void {
    for (const [start, iv] of [...this.intervals].sort((a, b) => a[0] - b[0])) {
      if (start + this.intervalUs > beforeUs) break;
      this.closedBeforeUs = start + this.intervalUs;
      this.onClose?.(start, iv);
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
      if (iv === this.lastInterval) this.lastInterval = undefined;
    }
  }

  /**
   * Offered: requests per second of schedule (first to last intended send). Achieved: successful
   * responses per second from the first to the last response (a target that falls behind spreads
   * them over a longer span); with pace 'max' both spans are the whole run.
   */
  summary(durationUs: number, offeredSpanUs: number, paced: boolean): TargetSummary {
    this.closeIntervals();
    this.latency.add(this.late.latency);
    const lag = percentilesMs(this.lag);
    return {
      url: this.url,
      requests: this.requests,
      // n sends span n − 1 gaps when paced: (n − 1) / span is the rate itself.
      offeredRate: round((paced ? Math.max(0, this.requests - 1) : this.requests) / Math.max(offeredSpanUs / 1e6, 1e-6)),
      achievedRate: paced ? achievedRate(this.completed - this.errorCount, this.firstDoneUs, this.lastDoneUs) : round((this.completed - this.errorCount) / (Math.max(durationUs, 1) / 1e6)),
      latency: percentilesMs(this.latency),
      rawLatency: percentilesMs(this.rawLatency),
      scheduleLag: { p50: lag.p50, p99: lag.p99, max: lag.max },
      statuses: this.statuses,
      errors: this.errors,
      ...(Object.keys(this.errorReasons).length ? { errorReasons: this.errorReasons } : {}),
      dropped: this.dropped,
      queued: this.queued,
      endpoints: [...this.endpoints].map(([endpoint, e]): EndpointStats => ({ endpoint, requests: e.requests, errors: e.errors, latency: percentilesMs(e.latency), statuses: e.statuses })),
      intervals: this.closed,
    };
  }

  /** Adds another process's interval (a worker's share of it, or one that arrived late): a merge, never an average. */
  absorbInterval(startUs: number, p: Interval): void {
    const iv = this.interval(startUs);
    iv.offered += p.offered;
    iv.ok += p.ok;
    iv.errors += p.errors;
    iv.latency.add(p.latency);
    if (p.errorLatency) (iv.errorLatency ??= newHistogram()).add(p.errorLatency);
  }

  /** Everything but the intervals (sent once, after the run), for `absorbTotals` in another process. */
  totals(): StatsTotals {
    const { requests, completed, errorCount, dropped, queued, skipped, firstDoneUs, lastDoneUs, statuses, errors, errorReasons } = this;
    return { requests, completed, errorCount, dropped, queued, skipped, firstDoneUs, lastDoneUs, statuses, errors, errorReasons, rawLatency: this.rawLatency, lag: this.lag, late: this.late.latency, endpoints: [...this.endpoints] };
  }

  absorbTotals(t: StatsTotals): void {
    this.requests += t.requests;
    this.completed += t.completed;
    this.errorCount += t.errorCount;
    this.dropped += t.dropped;
    this.queued += t.queued;
    this.skipped += t.skipped;
    this.firstDoneUs = Math.min(this.firstDoneUs, t.firstDoneUs);
    this.lastDoneUs = Math.max(this.lastDoneUs, t.lastDoneUs);
    addCounts(this.statuses, t.statuses);
    addCounts(this.errors, t.errors);
    for (const [k, n] of Object.entries(t.errorReasons)) countReason(this.errorReasons, k, k.split(':')[0]!, n);
    this.rawLatency.add(t.rawLatency);
    this.lag.add(t.lag);
    this.late.latency.add(t.late);
    for (const [name, e] of t.endpoints) {
      const ep = this.endpoint(name);
      ep.requests += e.requests;
      ep.errors += e.errors;
      ep.latency.add(e.latency);
      addCounts(ep.statuses, e.statuses);
    }
  }

  private interval(atUs: number): Interval {
    if (atUs < this.closedBeforeUs) return this.late;
    const start = Math.floor(Math.max(0, atUs) / this.intervalUs) * this.intervalUs;
    // Nearly every request falls in the interval of the one before: no map lookup then.
    if (start === this.lastStart && this.lastInterval) return this.lastInterval;
    let iv = this.intervals.get(start);
    if (!iv) {
      iv = newInterval();
      this.intervals.set(start, iv);
    }
    this.lastStart = start;
    this.lastInterval = iv;
    return iv;
  }

  private endpoint(name: string): Endpoint {
    // Runs of one endpoint are common, and a template is a new string per request that the map would hash each time.
    if (name === this.lastEndpoint?.[0]) return this.lastEndpoint[1];
    let ep = this.endpoints.get(name);
    if (!ep) {
      // 'other' itself is let in past the cap (asking for it there used to recurse until the stack overflowed).
      if (this.endpoints.size >= MAX_ENDPOINTS && name !== 'other') return this.endpoint('other');
      ep = { requests: 0, errors: 0, latency: newHistogram(), statuses: {} };
      this.endpoints.set(name, ep);
    }
    this.lastEndpoint = [name, ep];
    return ep;
  }
}

/** Distinct reasons are bounded (a reason may carry an address): later ones are counted together. */
function countReason(into: Record<string, number>, key: string, cls: string, n = 1): void {
  const k = key in into || Object.keys(into).length < 20 ? key : `${cls}: other reasons`;
  into[k] = (into[k] ?? 0) + n;
}

export interface Endpoint {
  requests: number;
  errors: number;
  latency: Histogram;
  statuses: Record<string, number>;
}

export interface StatsTotals {
  requests: number;
  completed: number;
  errorCount: number;
  dropped: number;
  queued: number;
  skipped: number;
  firstDoneUs: number;
  lastDoneUs: number;
  statuses: Record<string, number>;
  errors: Partial<Record<ErrorClass, number>>;
  errorReasons: Record<string, number>;
  rawLatency: Histogram;
  lag: Histogram;
  /** Stragglers of intervals already closed: only in the totals. */
  late: Histogram;
  endpoints: [string, Endpoint][];
}

function addCounts(into: Record<string, number>, add: Record<string, number | undefined>): void {
  for (const [k, n] of Object.entries(add)) into[k] = (into[k] ?? 0) + (n ?? 0);
}

function newInterval(): Interval {
  return { offered: 0, ok: 0, errors: 0, latency: newHistogram() };
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** n responses between the first and the last span n − 1 gaps: (n − 1) / span is their rate. */
export function achievedRate(ok: number, firstDoneUs: number, lastDoneUs: number): number {
  return ok < 2 || !(lastDoneUs > firstDoneUs) ? 0 : round((ok - 1) / ((lastDoneUs - firstDoneUs) / 1e6));
}
