import { nines } from './distribution.js';
import { ms, num, tick } from './format.js';
import type { DistributionPoint, IntervalStats, KneeResult, PhaseReport, TimelineEvent } from './model.js';
import { lineChart, type Series } from './svg/line-chart.js';
import { ERROR, OFFERED, OK, colour } from './svg/palette.js';

/** What the time-series charts need of a phase or a replay target. */
export interface TimeSeriesSource {
  intervals: IntervalStats[];
  intervalMs: number;
  timeline?: TimelineEvent[];
  knee?: KneeResult;
}

const sec = (startMs: number): number => startMs / 1000;
const perSec = (count: number, intervalMs: number): number => count / (intervalMs / 1000);
const secLabel = (s: number): string => `${num(s)} s`;

function markers(src: TimeSeriesSource): Array<{ x: number; label: string; colour?: string }> {
  const out: Array<{ x: number; label: string; colour?: string }> = (src.timeline ?? []).map((e) => ({ x: sec(e.atMs), label: e.state ? `${e.label}: ${e.state}` : e.label }));
  const marked = (atMs: number): boolean => (src.timeline ?? []).some((e) => e.atMs === atMs);
  if (src.knee?.breakAtMs !== undefined && src.knee.breakRate !== null && !marked(src.knee.breakAtMs)) {
    out.push({ x: sec(src.knee.breakAtMs), label: `break ≈ ${num(src.knee.breakRate)} req/s`, colour: ERROR });
  }
  return out;
}

/** p50/p90/p99 of successful requests over time, and p99 of failed ones (dashed). */
export function latencyChart(src: TimeSeriesSource, title: string): string {
  const iv = src.intervals;
  const okAt = (pick: (i: IntervalStats) => number) => iv.map((i): [number, number | null] => [sec(i.startMs), i.ok > 0 ? pick(i) : null]);
  const series: Series[] = [
    { label: 'p50 ok', colour: '#56B4E9', points: okAt((i) => i.latency.p50) },
    { label: 'p90 ok', colour: '#0072B2', points: okAt((i) => i.latency.p90) },
    { label: 'p99 ok', colour: '#1b2a4a', points: okAt((i) => i.latency.p99) },
  ];
  if (iv.some((i) => i.errors > 0 && i.errorLatency)) {
    series.push({ label: 'p50 failed', colour: '#E69F00', dashed: true, points: iv.map((i) => [sec(i.startMs), i.errors > 0 && i.errorLatency ? i.errorLatency.p50 : null]) });
    series.push({ label: 'p99 failed', colour: ERROR, dashed: true, points: iv.map((i) => [sec(i.startMs), i.errors > 0 && i.errorLatency ? i.errorLatency.p99 : null]) });
  }
  const limits = src.knee?.p99LimitMs !== undefined ? [{ y: src.knee.p99LimitMs, label: `p99 limit ${ms(src.knee.p99LimitMs)}` }] : [];
  return lineChart({ title, xLabel: 'time (s)', yLabel: 'latency (ms)', series, markers: markers(src), limits, xFormat: secLabel, yFormat: ms });
}

/** Responses per second, OK vs error, over time. */
export function responsesChart(src: TimeSeriesSource, title: string): string {
  const series: Series[] = [
    { label: 'ok/s', colour: OK, area: true, points: src.intervals.map((i) => [sec(i.startMs), perSec(i.ok, src.intervalMs)]) },
    { label: 'errors/s', colour: ERROR, area: true, points: src.intervals.map((i) => [sec(i.startMs), perSec(i.errors, src.intervalMs)]) },
  ];
  return lineChart({ title, xLabel: 'time (s)', yLabel: 'responses/s', series, markers: markers(src), xFormat: secLabel, yFormat: (v) => `${num(v)}/s` });
}

/** Offered (scheduled) vs achieved (successful responses) rate over time: where they part, the target is past capacity. */
export function rateChart(src: TimeSeriesSource, title: string): string {
  const series: Series[] = [
    { label: 'offered', colour: OFFERED, dashed: true, points: src.intervals.map((i) => [sec(i.startMs), perSec(i.offered, src.intervalMs)]) },
    { label: 'achieved (ok)', colour: '#0072B2', points: src.intervals.map((i) => [sec(i.startMs), perSec(i.ok, src.intervalMs)]) },
  ];
  return lineChart({ title, xLabel: 'time (s)', yLabel: 'req/s', series, markers: markers(src), xFormat: secLabel, yFormat: (v) => `${num(v)} req/s` });
}

const PERCENTILE_TICKS = [0, 90, 99, 99.9, 99.99, 100].map((p) => ({ value: nines(p), label: p === 100 ? 'max' : `p${p}` }));

/** Latency by percentile on a nines axis, one line per labelled distribution (configuration overlay). */
export function distributionChart(items: Array<{ label: string; points: DistributionPoint[]; group?: number }>, title: string): string {
  const series: Series[] = items.map((it, i) => ({
    label: it.label,
    colour: colour(it.group ?? i),
    points: it.points.map((p): [number, number] => [nines(p.percentile), p.ms]),
  }));
  const xFormat = (x: number): string => (x >= 5 ? 'max' : `p${num(100 * (1 - 10 ** -x))}`);
  return lineChart({ title, xLabel: 'percentile', yLabel: 'latency (ms)', series, xTicks: PERCENTILE_TICKS, xFormat, yFormat: ms });
}

/** Label of a phase run inside an overlay: "fail-fast", or "fail-fast #3" when repeated. */
export function runLabel(configuration: string, p: PhaseReport): string {
  return p.repeat === undefined ? configuration : `${configuration} #${p.repeat + 1}`;
}

/**
 * Configurations overlaid on one phase: p99 (ok) against offered rate for ramps — so configurations
 * line up by load, not by clock — and against time otherwise; plus achieved rate the same way.
 */
export function overlayCharts(phase: string, runs: Array<{ label: string; p: PhaseReport; group: number }>): string[] {
  const ramp = runs.every((r) => r.p.kind === 'ramp');
  const xOf = (r: { p: PhaseReport }, i: IntervalStats): number => (ramp ? perSec(i.offered, r.p.intervalMs) : sec(i.startMs));
  const xLabel = ramp ? 'offered rate (req/s)' : 'time (s)';
  const xFormat = ramp ? (v: number) => `${num(v)} req/s offered` : secLabel;
  const lat: Series[] = runs.map((r) => ({ label: r.label, colour: colour(r.group), points: r.p.stats.intervals.map((i): [number, number | null] => [xOf(r, i), i.ok > 0 ? i.latency.p99 : null]) }));
  const err: Series[] = runs.map((r) => ({ label: r.label, colour: colour(r.group), points: r.p.stats.intervals.map((i): [number, number] => [xOf(r, i), i.ok + i.errors > 0 ? i.errors / (i.ok + i.errors) * 100 : 0]) }));
  const ach: Series[] = runs.map((r) => ({ label: r.label, colour: colour(r.group), points: r.p.stats.intervals.map((i): [number, number] => [xOf(r, i), perSec(i.ok, r.p.intervalMs)]) }));
  const kneeMarkers = ramp ? runs.flatMap((r) => (r.p.knee?.kneeRate != null ? [{ x: r.p.knee.kneeRate, label: `knee ${r.label}`, colour: colour(r.group) }] : [])) : [];
  const limit = runs.map((r) => r.p.knee?.p99LimitMs).find((v) => v !== undefined);
  return [
    lineChart({ title: `${phase}: p99 latency (ok), all configurations`, xLabel, yLabel: 'p99 (ms)', series: lat, markers: kneeMarkers, limits: limit !== undefined ? [{ y: limit, label: `p99 limit ${ms(limit)}` }] : [], xFormat, yFormat: ms }),
    lineChart({ title: `${phase}: successful responses/s, all configurations`, xLabel, yLabel: 'ok/s', series: ach, markers: kneeMarkers, xFormat, yFormat: (v) => `${num(v)}/s` }),
    lineChart({ title: `${phase}: error rate, all configurations`, xLabel, yLabel: 'errors (%)', series: err, markers: kneeMarkers, xFormat, yFormat: (v) => `${tick(v)} %` }),
    distributionChart(runs.map((r) => ({ label: r.label, points: r.p.distribution, group: r.group })), `${phase}: latency distribution, all configurations`),
  ];
}
