import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { seededRandom } from '../../src/replay/schedule/times.js';
import { distributionFromHistogram } from '../../src/report/distribution.js';
import type { IntervalStats, KneeResult, Percentiles, PhaseInterval, PhaseReport } from '../../src/report/model.js';

/**
 * A seeded discrete-event simulation of the sample service's thread-pool model (T threads, fixed work,
 * fail fast or a bounded queue) under an open-model Poisson load, recorded exactly as the replay engine
 * records: µs HdrHistograms per interval, merged into totals. It gives the report tests realistic
 * models — a knee near T × 1000 / work req/s, 503 bursts, long queueing tails — without a load run.
 */
export interface SimOptions {
  threads: number;
  workMs: number;
  mode: 'fail-fast' | 'queue';
  queue?: number;
  /** Offered rate at start and end (equal for a constant-rate phase). */
  from: number;
  to: number;
  durationMs: number;
  seed: number;
  intervalMs?: number;
  /** Extra latency per request (a proxy hop), ms. */
  overheadMs?: number;
  /** Multiplies the work time (the A/B "worse" build). */
  latencyFactor?: number;
  /** Poisson arrivals; evenly spaced (as the engine's ramp schedules them) when false. */
  poisson?: boolean;
}

/** The replay engine's seeded PRNG: fixtures are reproducible run to run. */
export const rng = seededRandom;

const hist = (): Histogram => hdr.build({ bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
const rec = (h: Histogram, ms: number): void => h.recordValue(Math.max(1, Math.round(ms * 1000)));
const pct = (h: Histogram): Percentiles => ({
  p50: h.getValueAtPercentile(50) / 1000, p90: h.getValueAtPercentile(90) / 1000, p95: h.getValueAtPercentile(95) / 1000,
  p99: h.getValueAtPercentile(99) / 1000, p999: h.getValueAtPercentile(99.9) / 1000, max: h.maxValue / 1000,
});

interface Bucket { offered: number; ok: number; errors: number; lat: Histogram; err: Histogram }

export function simulate(o: SimOptions): Omit<PhaseReport, 'name' | 'kind' | 'validity'> {
  const random = rng(o.seed);
  const intervalMs = o.intervalMs ?? 1000;
  const busy = new Array<number>(o.threads).fill(0);
  let starts: number[] = [];
  const buckets: Bucket[] = [];
  const total = hist();
  const raw = hist();
  const lag = hist();
  const statuses: Record<string, number> = {};
  let t = o.poisson ? 0 : -1000 / o.from; // evenly spaced schedules send their first request at 0
  let requests = 0;
  let okCount = 0;
  let lastEnd = 0;
  while (true) {
    const rate = o.from + ((o.to - o.from) * Math.max(0, t)) / o.durationMs;
    t += ((o.poisson ? -Math.log(1 - random()) : 1) / rate) * 1000;
    if (t >= o.durationMs) break;
    requests++;
    const b = (buckets[Math.floor(t / intervalMs)] ??= { offered: 0, ok: 0, errors: 0, lat: hist(), err: hist() });
    b.offered++;
    const lagMs = 0.02 + random() * 0.15;
    rec(lag, lagMs);
    const overhead = (o.overheadMs ?? 0) + 0.2 + random() * 0.3;
    let i = busy.findIndex((until) => until <= t);
    let startAt = t;
    if (i < 0) {
      starts = starts.filter((s) => s > t);
      const queued = starts.length;
      if (o.mode === 'fail-fast' || queued >= (o.queue ?? 0)) {
        const ms = overhead + random() * 0.5;
        b.errors++;
        rec(b.err, ms);
        statuses['503'] = (statuses['503'] ?? 0) + 1;
        lastEnd = Math.max(lastEnd, t + ms);
        continue;
      }
      startAt = Math.min(...busy);
      i = busy.indexOf(startAt);
    }
    const work = o.workMs * (o.latencyFactor ?? 1) * (1 + (random() - 0.5) * 0.04);
    busy[i] = startAt + work;
    starts.push(startAt);
    const ms = startAt - t + work + overhead;
    b.ok++;
    okCount++;
    rec(b.lat, ms);
    rec(raw, ms - lagMs);
    statuses['200'] = (statuses['200'] ?? 0) + 1;
    lastEnd = Math.max(lastEnd, t + ms);
  }
  const intervals: IntervalStats[] = Array.from(buckets, (b = { offered: 0, ok: 0, errors: 0, lat: hist(), err: hist() }, k) => {
    total.add(b.lat);
    return { startMs: k * intervalMs, offered: b.offered, ok: b.ok, errors: b.errors, latency: pct(b.lat), ...(b.errors ? { errorLatency: pct(b.err) } : {}) };
  });
  const l = pct(lag);
  return {
    intervalMs,
    distribution: distributionFromHistogram(total),
    stats: {
      url: 'http://127.0.0.1:8080',
      requests,
      offeredRate: Math.round((requests / (o.durationMs / 1000)) * 100) / 100,
      achievedRate: Math.round((okCount / (Math.max(lastEnd, o.durationMs) / 1000)) * 100) / 100,
      latency: pct(total),
      rawLatency: pct(raw),
      scheduleLag: { p50: l.p50, p99: l.p99, max: l.max },
      statuses,
      errors: {},
      dropped: 0,
      endpoints: [{ endpoint: `/work?ms=${o.workMs}`, requests, errors: 0, latency: pct(total), statuses }],
      intervals,
    },
  };
}

/** The highest offered rate whose interval kept p99 within the limit and errors within budget, as the runner defines it. */
export function knee(intervals: PhaseInterval[], intervalMs: number, p99LimitMs: number, errorBudget: number): KneeResult {
  let kneeRate: number | null = null;
  for (const i of intervals) {
    const rate = i.offered / (intervalMs / 1000);
    const errRate = i.errors / Math.max(1, i.ok + i.errors);
    if (errRate > errorBudget || (i.latency !== null && i.latency.p99 > p99LimitMs)) {
      return { kneeRate, breakRate: rate, breakAtMs: i.startMs, p99LimitMs, errorBudget, reason: errRate > errorBudget ? `errors ${(errRate * 100).toFixed(1)} % > budget` : 'p99 over limit' };
    }
    kneeRate = Math.max(kneeRate ?? 0, rate);
  }
  return { kneeRate, breakRate: null, p99LimitMs, errorBudget, reason: 'never broke' };
}
