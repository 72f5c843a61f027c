import { performance } from 'node:perf_hooks';
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import type { Histogram } from 'hdr-histogram-js';
import type { DifferenceReport, RequestResult, RunValidity } from '../replay/types.js';
import type { Interval, StatsTotals } from '../replay/stats/target-stats.js';
import { newHistogram } from '../replay/stats/histogram.js';
import type { Segment } from './segment.js';

/**
 * The messages between a coordinator and its workers, the same over every transport (IPC for local
 * `--workers N`, Redis lists for `--coordinator redis://…`). Times are µs; `Epoch` times are on the
 * receiver's own clock (the coordinator converts with the skew it measured).
 */

/** What to run: the replay command's arguments (as JSON) and this worker's share of the schedule. */
export interface Job {
  runId: string;
  segment: Segment;
  /** What kind of job (a worker's registered `Task`); absent: a replay. */
  task?: string;
  /** The task's arguments encoded by `encodeJson` (Infinity survives): `ReplayArgs` for a replay. */
  args: string;
  /** A job not taken by then belongs to a run whose barrier has already failed. */
  expiresAtMs: number;
}

export type Down =
  | { t: 'ping'; id: number; t0: number }
  | { t: 'start'; atEpochUs: number }
  | { t: 'stop'; reason: string };

export interface WireInterval {
  target: number;
  startUs: number;
  offered: number;
  ok: number;
  errors: number;
  latency: string;
  errorLatency?: string;
}

export type WireTotals = Omit<StatsTotals, 'rawLatency' | 'lag' | 'late' | 'endpoints'> & {
  rawLatency: string;
  lag: string;
  late: string;
  endpoints: [string, { requests: number; errors: number; latency: string; statuses: Record<string, number> }][];
};

export interface WorkerDone {
  targets: WireTotals[];
  validity: RunValidity;
  durationUs: number;
  requests: number;
  lastIntendedUs: number;
  startLateUs: number;
  /** A replay's comparison of responses (its DifferenceReport), merged by the coordinator. */
  differences?: DifferenceReport;
  /** What a replay's worker read: the whole input, filtered, as every worker reads it before taking its share. */
  input?: { exchanges: number; invalid: number; filtered: number };
  /** What only this task reports (a scenario phase's outcomes), merged by whoever started the task. */
  extra?: unknown;
}

export type Up = { w: number } & (
  | { t: 'hello'; name: string }
  | { t: 'pong'; id: number; t0: number; tw: number }
  | { t: 'ready' }
  | { t: 'hb' }
  | ({ t: 'interval' } & WireInterval)
  /** Its engine's counts, every second (the coordinator's progress line); cumulative, the last one counts. */
  | { t: 'progress'; scheduled: number; completed: number; errors: number; dropped: number; inFlight: number }
  | { t: 'results'; results: RequestResult[] }
  | ({ t: 'done' } & WorkerDone)
  | { t: 'error'; message: string }
);

/** The package index (not the bare Int32 class the engine loads): it has the compressed codec. */
const hdr = createRequire(import.meta.url)('hdr-histogram-js') as typeof import('hdr-histogram-js');

/** HdrHistogram's own compressed form (V2 encoding, deflated, base64): any HDR implementation reads it. */
export const encodeHistogram = (h: Histogram): string => hdr.encodeIntoCompressedBase64(h);

export function decodeHistogram(s: string): Histogram {
  const h = newHistogram();
  h.add(hdr.decodeFromCompressedBase64(s, 32, false));
  return h;
}

export function encodeInterval(target: number, startUs: number, iv: Interval): WireInterval {
  return { target, startUs, offered: iv.offered, ok: iv.ok, errors: iv.errors, latency: encodeHistogram(iv.latency), ...(iv.errorLatency ? { errorLatency: encodeHistogram(iv.errorLatency) } : {}) };
}

export function decodeInterval(w: WireInterval): Interval {
  return { offered: w.offered, ok: w.ok, errors: w.errors, latency: decodeHistogram(w.latency), ...(w.errorLatency ? { errorLatency: decodeHistogram(w.errorLatency) } : {}) };
}

export function encodeTotals(t: StatsTotals): WireTotals {
  return {
    ...t,
    rawLatency: encodeHistogram(t.rawLatency),
    lag: encodeHistogram(t.lag),
    late: encodeHistogram(t.late),
    endpoints: t.endpoints.map(([n, e]) => [n, { ...e, latency: encodeHistogram(e.latency) }]),
  };
}

export function decodeTotals(w: WireTotals): StatsTotals {
  return {
    ...w,
    rawLatency: decodeHistogram(w.rawLatency),
    lag: decodeHistogram(w.lag),
    late: decodeHistogram(w.late),
    endpoints: w.endpoints.map(([n, e]) => [n, { ...e, latency: decodeHistogram(e.latency) }]),
  };
}

/**
 * JSON with ±Infinity and NaN kept (`--loop forever` is Infinity; a never-answering target's first-done
 * time too), and bytes (request bodies) as base64 rather than JSON's object of numbered bytes. The
 * replacer reads the holder's own value, since a Buffer's toJSON has already run on `x`. A value of
 * the caller's that looks like a tag (an object whose one key is a tag's: a header named `$num`) is
 * sent as `$obj` with its entries, so it comes back as it was rather than as a number or bytes.
 */
const TAGS = ['$num', '$b64', '$obj'];
const lone = (x: unknown): string | undefined => {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return undefined;
  const keys = Object.keys(x);
  return keys.length === 1 ? keys[0] : undefined;
};

export const encodeJson = (v: unknown): string =>
  JSON.stringify(v, function (this: Record<string, unknown>, k: string, x: unknown) {
    const raw = this[k];
    if (raw instanceof Uint8Array) return { $b64: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    if (typeof x === 'number' && !Number.isFinite(x)) return { $num: String(x) };
    // Entries are an array: the replacer then walks the value inside, not a tag-shaped object again.
    return TAGS.includes(lone(x)!) ? { $obj: Object.entries(x as object) } : x;
  });

export const decodeJson = <T>(s: string): T =>
  JSON.parse(s, (_k, x: unknown) => {
    const tag = lone(x);
    if (tag === undefined || !TAGS.includes(tag)) return x;
    const value = (x as Record<string, unknown>)[tag];
    if (tag === '$num') return Number(value);
    if (tag === '$b64') return Buffer.from(value as string, 'base64');
    return Object.fromEntries(value as [string, unknown][]);
  }) as T;

/** This process's clock in µs since the epoch, at µs resolution (the monotonic clock plus its origin). */
export const epochUs = (): number => (performance.timeOrigin + performance.now()) * 1000;
