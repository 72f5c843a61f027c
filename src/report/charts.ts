import { chartFigure, type Series } from './chart-spec.js';
import { nines } from './distribution.js';
import { ms, num } from './format.js';
import type { DistributionPoint, KneeResult, PhaseInterval, PhaseReport, TimelineEvent } from './model.js';
import { ERROR, OFFERED, OK, colour, dashOf } from './palette.js';

/** What the time-series charts need of a phase or a replay target. */
export interface TimeSeriesSource {
  intervals: PhaseInterval[];
  intervalMs: number;
  timeline?: TimelineEvent[];
  knee?: KneeResult;
}

const sec = (startMs: number): number => startMs / 1000;
const perSec = (count: number, intervalMs: number): number => count / (intervalMs / 1000);

function markers(src: TimeSeriesSource): Array<{ x: number; label: string; colour?: string }> {
  const out: Array<{ x: number; label: string; colour?: string }> = (src.timeline ?? []).map((e) => ({ x: sec(e.atMs), label: e.state ? `${e.label}: ${e.state}` : e.label }));
  const marked = (atMs: number): boolean => (src.timeline ?? []).some((e) => e.atMs === atMs);
  if (src.knee?.breakAtMs !== undefined && src.knee.breakRate !== null && !marked(src.knee.breakAtMs)) {
    out.push({ x: sec(src.knee.breakAtMs), label: `break ≈ ${num(src.knee.breakRate)} req/s`, colour: ERROR });
  }
  return out;
}

const limitAt = (limitMs: number | undefined): Array<{ y: number; label: string }> => (limitMs !== undefined ? [{ y: limitMs, label: `p99 limit ${ms(limitMs)}` }] : []);

/** p50/p90/p99 of successful requests over time, and p50/p99 of failed ones (dashed). */
export function latencyChart(src: TimeSeriesSource, title: string): string {
  const iv = src.intervals;
  const okAt = (pick: (l: NonNullable<PhaseInterval['latency']>) => number) => iv.map((i): [number, number | null] => [sec(i.startMs), i.latency ? pick(i.latency) : null]);
  const series: Series[] = [
    { label: 'p50 ok', colour: '#56B4E9', points: okAt((l) => l.p50) },
    { label: 'p90 ok', colour: '#0072B2', points: okAt((l) => l.p90) },
    { label: 'p99 ok', colour: '#1b2a4a', points: okAt((l) => l.p99) },
  ];
  if (iv.some((i) => i.errors > 0 && i.errorLatency)) {
    const failedAt = (pick: (p: NonNullable<PhaseInterval['errorLatency']>) => number) => iv.map((i): [number, number | null] => [sec(i.startMs), i.errors > 0 && i.errorLatency ? pick(i.errorLatency) : null]);
    series.push({ label: 'p50 failed', colour: '#E69F00', dash: [5, 4], points: failedAt((l) => l.p50) });
    series.push({ label: 'p99 failed', colour: ERROR, dash: [5, 4], points: failedAt((l) => l.p99) });
  }
  return chartFigure({ title, xLabel: 'time (s)', yLabel: 'latency (ms)', x: 'sec', y: 'ms', series, markers: markers(src), limits: limitAt(src.knee?.p99LimitMs) });
}

/** Responses per second, OK vs error, over time. */
export function responsesChart(src: TimeSeriesSource, title: string): string {
  const series: Series[] = [
    { label: 'ok/s', colour: OK, area: true, points: src.intervals.map((i) => [sec(i.startMs), perSec(i.ok, src.intervalMs)]) },
    { label: 'errors/s', colour: ERROR, area: true, points: src.intervals.map((i) => [sec(i.startMs), perSec(i.errors, src.intervalMs)]) },
  ];
  return chartFigure({ title, xLabel: 'time (s)', yLabel: 'responses/s', x: 'sec', y: 'perSec', series, markers: markers(src) });
}

/** Offered (scheduled) vs achieved (successful responses) rate over time: where they part, the target is past capacity. */
export function rateChart(src: TimeSeriesSource, title: string): string {
  const series: Series[] = [
    { label: 'offered', colour: OFFERED, dash: [5, 4], points: src.intervals.map((i) => [sec(i.startMs), perSec(i.offered, src.intervalMs)]) },
    { label: 'achieved (ok)', colour: '#0072B2', points: src.intervals.map((i) => [sec(i.startMs), perSec(i.ok, src.intervalMs)]) },
  ];
  return chartFigure({ title, xLabel: 'time (s)', yLabel: 'req/s', x: 'sec', y: 'rate', series, markers: markers(src) });
}

/** The percentile axis: 0, p90, p99, p99.9, p99.99, max. */
const PERCENTILE_TICKS = [0, 90, 99, 99.9, 99.99, 100].map((p) => nines(p));

/** Latency by percentile on a nines axis, one line per labelled distribution (run overlay). */
export function distributionChart(items: Array<{ label: string; points: DistributionPoint[]; colour?: string; dash?: number[] }>, title: string): string {
  const series: Series[] = items.map((it, i) => ({
    label: it.label,
    colour: it.colour ?? colour(i),
    ...(it.dash ? { dash: it.dash } : {}),
    points: it.points.map((p): [number, number] => [nines(p.percentile), p.ms]),
  }));
  return chartFigure({ title, xLabel: 'percentile', yLabel: 'latency (ms)', x: 'nines', y: 'ms', series, xTicks: PERCENTILE_TICKS });
}

/** Label of a phase run inside an overlay: "fail-fast", or "fail-fast #3" when repeated. */
export function runLabel(configuration: string, p: PhaseReport): string {
  return p.repeat === undefined ? configuration : `${configuration} #${p.repeat + 1}`;
}

/** One run in an overlay: its own colour (ten runs, ten colours), its configuration's dash. */
export interface OverlayRun {
  label: string;
  p: PhaseReport;
  group: number;
}

/**
 * Runs overlaid on one phase: p99 (ok) against offered rate for ramps — so configurations line up
 * by load, not by clock — and against time otherwise; achieved rate and error rate the same way.
 */
export function overlayCharts(phase: string, runs: OverlayRun[]): string[] {
  const ramp = runs.every((r) => r.p.kind === 'ramp');
  const xOf = (r: OverlayRun, i: PhaseInterval): number => (ramp ? perSec(i.offered, r.p.intervalMs) : sec(i.startMs));
  // Against offered rate, an interval after the last send (responses still arriving) has no x: it is not at 0 req/s.
  const plotted = (r: OverlayRun): PhaseInterval[] => (ramp ? r.p.stats.intervals.filter((i) => i.offered > 0) : r.p.stats.intervals);
  const xLabel = ramp ? 'offered rate (req/s)' : 'time (s)';
  const look = (r: OverlayRun, k: number) => ({ label: r.label, colour: colour(k), ...(dashOf(r.group) ? { dash: dashOf(r.group) } : {}) });
  const lines = (pick: (r: OverlayRun, i: PhaseInterval) => number | null): Series[] => runs.map((r, k) => ({ ...look(r, k), points: plotted(r).map((i): [number, number | null] => [xOf(r, i), pick(r, i)]) }));
  const kneeMarkers = ramp ? runs.flatMap((r, k) => (r.p.knee?.kneeRate != null ? [{ x: r.p.knee.kneeRate, label: `knee ${r.label}`, colour: colour(k) }] : [])) : [];
  const limit = runs.map((r) => r.p.knee?.p99LimitMs).find((v) => v !== undefined);
  const x = ramp ? 'rate' as const : 'sec' as const;
  return [
    chartFigure({ title: `${phase}: p99 latency (ok), all runs`, xLabel, yLabel: 'p99 (ms)', x, y: 'ms', series: lines((_, i) => i.latency?.p99 ?? null), markers: kneeMarkers, limits: limitAt(limit) }),
    chartFigure({ title: `${phase}: successful responses/s, all runs`, xLabel, yLabel: 'ok/s', x, y: 'perSec', series: lines((r, i) => perSec(i.ok, r.p.intervalMs)), markers: kneeMarkers }),
    chartFigure({ title: `${phase}: error rate, all runs`, xLabel, yLabel: 'errors (%)', x, y: 'percent', series: lines((_, i) => (i.ok + i.errors > 0 ? (i.errors / (i.ok + i.errors)) * 100 : 0)), markers: kneeMarkers }),
    distributionChart(runs.map((r, k) => ({ ...look(r, k), points: r.p.distribution })), `${phase}: latency distribution, all runs`),
  ];
}
