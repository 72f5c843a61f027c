import { performance } from 'node:perf_hooks';
import type { RequestResult, RunOptions, RunSummary, ScheduledRequest } from './types.js';
import { TargetRunner, type Finished } from './dispatch/target.js';
import { TargetStats } from './stats/target-stats.js';
import { newHistogram, percentilesMs } from './stats/histogram.js';
import { ValidityMonitor, DEFAULT_LIMITS } from './validity.js';
import { monoUs, waitUntil, yieldTurn } from './pacer.js';
import { routeTemplate } from './route-template.js';
import { warmUp } from './dispatch/warmup.js';
import { Prefetch } from './schedule/prefetch.js';
import { safeUrl } from '../stages/redact/index.js';
import { StagedSubmit } from './staging/engine-step.js';

/** A burst of due requests yields to I/O after this many sends, so responses are not held back. */
const BURST = 64;
/** At most this long for the read-ahead to fill before the clock starts. */
const FILL_MS = 2000;
/** At pace 'max', how long the read-ahead may fill before a warm-up: long enough to read a short capture whole. */
const WARM_FILL_MS = 100;

/**
 * Runs one open-model load: every scheduled request goes to every target at its intended time,
 * whether or not earlier responses have come back (pace 'max': as soon as a target has a free slot).
 */
export async function runLoad(opts: RunOptions): Promise<RunSummary> {
  const limits = { ...DEFAULT_LIMITS, ...opts.validity };
  const intervalUs = (opts.intervalMs ?? 1000) * 1000;
  const pace = opts.pace ?? 'schedule';
  const src = source(opts.schedule, pace);
  // A paced run starts with its read-ahead full (opening and parsing a capture is not lag), waiting at
  // most FILL_MS for a source that yields only as traffic comes. At pace 'max' there is no schedule to
  // be late for: the read-ahead fills briefly only before a warm-up, so that a short capture is known
  // whole and warms up no longer than it runs.
  const warm = opts.warmUp !== false;
  await (pace === 'schedule' ? src.filled(FILL_MS) : warm ? src.filled(WARM_FILL_MS) : src.ready());
  if (warm) await warmUp(opts.targets, src.peek(16), src.remaining() ?? Infinity);
  const clock = { startUs: 0 };
  // Stats name their target in summaries and reports: without the password of a user:pass@ URL.
  const stats = opts.targets.map((t) => new TargetStats(safeUrl(t.url), intervalUs, limits.skipAfterMs * 1000));
  opts.onStats?.(stats);
  const sink = opts.responses;
  const emit = opts.onResult ? (r: RequestResult): void => opts.onResult!(r) : undefined;
  const record = (f: Finished): void => {
    stats[f.result.target]!.record(f.result);
    if (sink) sink.complete(f.req, f.result, f.response, emit);
    else emit?.(f.result);
  };
  const onDone = (f: Finished): void => void (staged.taken(f, record) || record(f));
  const monitor = new ValidityMonitor(limits);
  const runners = opts.targets.map((t, i) => new TargetRunner(i, t, clock, (sink?.wantsBodies || opts.stage?.wantsBodies) ?? false, onDone));
  const staged = new StagedSubmit(opts.stage, runners, stats, clock, (i, req) => {
    sink?.skipped?.(req, i, emit);
    opts.onSkipped?.(req.id, i);
  });
  await Promise.all([...runners.map((r) => r.prepare()), opts.stage?.start()]);
  let scheduled = 0;
  let lastIntendedUs = 0;
  const progress = opts.onProgress ? setInterval(() => opts.onProgress!(snapshot()), 1000) : undefined;
  const closer = setInterval(() => {
    // Intervals well behind the schedule are complete except for stragglers: fold them into totals.
    const behindUs = monoUs() - clock.startUs - 60_000_000;
    for (const s of stats) s.closeIntervals(behindUs);
  }, 10_000);
  progress?.unref();
  closer.unref();
  // Everything is constructed (pools, histograms, monitors): only now does the schedule's clock start.
  const startUs = (clock.startUs = opts.startAt ? await opts.startAt() : monoUs());
  const startedAt = new Date().toISOString();
  const startEpochUs = Math.round(performance.timeOrigin * 1000 + startUs);

  function snapshot(): Parameters<NonNullable<RunOptions['onProgress']>>[0] {
    let completed = 0, errors = 0, dropped = 0, inFlight = 0;
    for (const s of stats) {
      completed += s.completed;
      errors += s.errorCount;
      dropped += s.dropped;
    }
    for (const r of runners) inFlight += r.inFlight;
    return { elapsedMs: Math.round((monoUs() - clock.startUs) / 1000), scheduled, completed, errors, dropped, inFlight, targets: stats };
  }

  /** The part of a request's hand-over both paces share: its route, the counts, every target. */
  const hand = (req: ScheduledRequest, dueUs: number, handedUs: number): void => {
    if (!req.endpoint) req.endpoint = routeTemplate(req.target, req.method);
    lastIntendedUs = dueUs - startUs;
    scheduled++;
    for (let i = 0; i < runners.length; i++) staged.submit(i, req, dueUs, handedUs);
  };

  try {
    if (pace === 'max') await sendAtMax(src, runners, hand, opts.signal);
    else {
      let burst = 0;
      for (;;) {
        const req = src.shift();
        if (req === undefined) {
          if (src.finished) break;
          await src.ready();
          continue;
        }
        if (opts.signal?.aborted) break;
        const dueUs = startUs + req.intendedUs;
        if (dueUs > monoUs()) {
          burst = 0;
          await waitUntil(dueUs, opts.signal);
        } else if (++burst >= BURST) {
          burst = 0;
          await yieldTurn();
        }
        hand(req, dueUs, monoUs());
      }
    }
    await drain(runners, opts.drainMs ?? 30_000, staged);
  } finally {
    await src.close();
    if (progress) clearInterval(progress);
    clearInterval(closer);
    await Promise.all(runners.map((r) => r.close().catch(() => undefined)));
  }
  const durationUs = monoUs() - startUs;
  opts.onProgress?.(snapshot());
  const lag = newHistogram();
  let skipped = 0;
  for (const s of stats) {
    lag.add(s.lag);
    skipped += s.skipped;
  }
  const offeredSpanUs = pace === 'max' ? durationUs : Math.max(lastIntendedUs, 1);
  const targets = stats.map((s, i) => {
    const proxy = opts.targets[i]?.proxy;
    return { ...s.summary(durationUs, offeredSpanUs, pace === 'schedule'), ...(proxy ? { proxy: safeUrl(proxy) } : {}) };
  });
  return { startedAt, startEpochUs, durationMs: Math.round(durationUs / 1000), targets, validity: monitor.finish(percentilesMs(lag).p99, skipped, pace === 'schedule', targets) };
}

/**
 * Pace 'max': a request goes out as soon as a target has a free slot. A slot frees when a response
 * completes, so the runners call `fill` right there and the next request is written in the same turn,
 * instead of a promise per request resolved for this loop to resume. The loop itself only waits
 * for the read-ahead when it runs dry (or for the end); a failure or an abort seen inside a runner's
 * callback is handed to it.
 */
async function sendAtMax(src: Source, runners: readonly TargetRunner[], hand: (req: ScheduledRequest, dueUs: number, handedUs: number) => void, signal: AbortSignal | undefined): Promise<void> {
  const free = runners.length === 1 ? (): boolean => runners[0]!.hasFreeSlot() : (): boolean => runners.some((r) => r.hasFreeSlot());
  let filling = false;
  let dry = false;
  let failure: { err: unknown } | undefined;
  let wake: (() => void) | undefined;
  const fill = (): void => {
    // A send can complete another request at once (a dispatch error, a drop): the outer fill goes on.
    if (filling || dry || failure) return;
    filling = true;
    try {
      while (free()) {
        if (signal?.aborted) {
          dry = true;
          break;
        }
        const req = src.shift();
        if (req === undefined) {
          dry = true;
          break;
        }
        // At pace 'max' the request is due the moment it is handed over: one clock read, not two.
        const now = monoUs();
        hand(req, now, now);
      }
    } catch (err) {
      failure = { err };
    } finally {
      filling = false;
    }
    if ((dry || failure) && wake) {
      const w = wake;
      wake = undefined;
      w();
    }
  };
  for (const r of runners) r.onSlot = fill;
  try {
    for (;;) {
      fill();
      if (failure) throw failure.err;
      if (signal?.aborted || (dry && src.finished)) return;
      // Read-ahead empty: wait for more. Slots all taken: the runners fill as they free, until it runs dry.
      if (dry) await src.ready();
      else await new Promise<void>((r) => (wake = r));
      dry = false;
    }
  } finally {
    for (const r of runners) r.onSlot = undefined;
  }
}

type Source = Pick<Prefetch<ScheduledRequest>, 'shift' | 'finished' | 'ready' | 'filled' | 'peek' | 'remaining' | 'close'>;

/**
 * Read-ahead: 1,024 requests when paced (a slow file read must not become lag); 256 at pace 'max',
 * where a stall only costs throughput and every buffered request is copied by each young-generation
 * GC (measured over 100k requests: scavenges 0.2 s with 1,024, 0.09 s with 256 or 128).
 */
function source(s: RunOptions['schedule'], pace: 'schedule' | 'max'): Source {
  if (Symbol.asyncIterator in s) return new Prefetch(s, pace === 'max' ? 256 : 1024, 1 << 20, weigh);
  const it = s[Symbol.iterator]();
  let finished = false;
  return {
    shift: () => {
      if (finished) return undefined;
      const n = it.next();
      finished = n.done === true;
      return n.done ? undefined : n.value;
    },
    get finished() {
      return finished;
    },
    ready: () => Promise.resolve(),
    filled: () => Promise.resolve(),
    peek: () => [],
    remaining: () => undefined,
    close: async () => void it.return?.(),
  };
}

/** Rough bytes held by a scheduled request: its body and the recorded response it is compared with. */
function weigh(r: ScheduledRequest): number {
  return 256 + (r.body?.length ?? 0) + (r.recorded?.response?.body?.size ?? 0) + (r.recorded?.request.body?.size ?? 0);
}

/**
 * Waits for the last responses, at most `ms`; then what is still queued or in flight is abandoned.
 * 0 sets no limit, as a timeout of 0 is off: even the fastest run has its last request in flight
 * when its schedule ends, so abandoning at once would fail a run that went well.
 */
async function drain(runners: TargetRunner[], ms: number, staged: StagedSubmit): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = ms > 0 ? setTimeout(() => r('late'), ms) : undefined));
  const quiet = async (): Promise<void> => {
    do {
      await staged.settled();
      await Promise.all(runners.map((r) => r.waitIdle()));
    } while (staged.busy);
  };
  const idle = await Promise.race([quiet(), late]);
  clearTimeout(timer);
  if (idle === 'late') await Promise.all(runners.map((r) => r.abandon(ms)));
}
