import { writePrivateFile } from '../formats/private-file.js';
import { InvalidRunError } from '../errors.js';
import { checkedInput, openSource } from '../io/registry.js';
import type { Source } from '../io/source.js';
import type { Exchange } from '../exchange.js';
import type { ReplaySummary, RunOptions, RunSummary } from './types.js';
import type { ReplayArgs } from './replay-args.js';
import { runLoad } from './engine.js';
import { captureScheduleBatches } from './schedule/capture.js';
import { exchangeFilter } from './filters.js';
import { requestRewrite } from './rewrites.js';
import { mergeByTime } from './merge.js';
import { ComparisonCollector } from './compare/collector.js';
import { ResultsWriter } from './results-writer.js';
import { progressPrinter } from './progress.js';
import { targetsOf } from './replay-targets.js';
import { printSummary } from './summary-text.js';
import { judgeReplay } from './verdict.js';
import { safeUrl } from '../stages/redact/index.js';
import { addStaging, stagingOf } from './staging/from-args.js';

/** An input the caller opened (a Redis stream): read once, and told each exchange that was handled. */
export interface OpenedInput {
  batches(): AsyncIterable<Exchange[]>;
  /** Every target answered (or failed) the exchange's request, or a filter left it out. */
  handled(id: string): void;
  readonly exchanges: number;
  readonly invalid: number;
}

/**
 * Writes the run's report files (HTML + summary.json in --out, JUnit) from its summary. The CLI gives
 * the report room's writer; a worker, which writes none, gives nothing.
 */
export type ReplayReporter = (a: ReplayArgs, summary: ReplaySummary, noise: boolean) => Promise<void>;

/**
 * `shadowtap replay`: capture(s) → schedule → targets → summary; returns the exit code. `input` is an
 * input the caller opened (a Redis stream); `load` is the load step: this process's engine, or a run
 * spread over workers (src/distributed/). Targets are URLs: the caller expands `elbv2://` ones first
 * (src/aws/resolve.ts), so that every worker of a spread run gets the same list.
 */
/**
 * The load step: `runLoad` itself, or a spread run (workers) that is given the run's comparison to feed
 * and may return the merged differences of its workers instead; and what this process read, which a
 * worker reports and a coordinator (which reads nothing itself) replaces by the workers' `input`.
 */
export type LoadStep = (o: RunOptions, compared?: ComparisonCollector, read?: () => NonNullable<ReplaySummary['input']>) => Promise<RunSummary & Pick<ReplaySummary, 'differences' | 'input'>>;

export async function runReplay(a: ReplayArgs, input?: OpenedInput, load: LoadStep = runLoad, report?: ReplayReporter): Promise<number> {
  const { targets, noise } = targetsOf(a);
  const warn = (m: string): void => void process.stderr.write(`warning: ${m}\n`);
  // Fail on a missing, unreadable or unknown file before any request is sent (or any worker started).
  const kinds: string[] = [];
  if (!input) for (const c of a.captures) kinds.push(await checkedInput(c));
  const readOpts = { skipInvalid: a['skip-invalid'], onWarning: warn };
  // Every input kind counts what it skipped in its source's stats (a loop that reads a file again counts again).
  const readers: Source[] = [];
  // One capture file is read in batches (no promise per line); several are merged one exchange at a time.
  const open = async (): Promise<AsyncIterable<Exchange | Exchange[]>> => {
    if (input) return input.batches();
    const sources = await Promise.all(a.captures.map((c, i) => openSource(c, { ...readOpts, kind: kinds[i] })));
    readers.push(...sources);
    return sources.length === 1 ? sources[0]!.batches() : mergeByTime(sources.map(exchangesOf));
  };
  const counts = { filtered: 0, exchanges: 0 };
  const filtered = exchangeFilter({ methods: a.method, noWrites: !a.writes, ...(a['allow-write'] ? { allowWrites: a['allow-write'] } : {}), allow: a.allow, deny: a.deny, headerMatch: a['header-match'], samplePercent: a.sample, seed: a.seed, maxBodyBytes: a['max-body'] }, counts);
  const filter = input && filtered ? (ex: Exchange): boolean => filtered(ex) || (input.handled(ex.id), false) : filtered;
  const answered = input ? afterEveryTarget(targets.length, (id) => input.handled(id)) : undefined;
  const transform = requestRewrite({ setHeaders: a['set-header'], removeHeaders: a['remove-header'], rewriteUrl: a['rewrite-url'] });
  // Every number here was read and range-checked by the CLI (src/cli/options.ts).
  const loop = a.loop ?? 1;
  const durationMs = a.duration;
  const maxErrorRate = a['max-error-rate'];
  const validity = { maxLagP99Ms: a['max-lag-p99'], maxEventLoopDelayP99Ms: a['max-loop-delay'] };
  if (loop === Infinity && durationMs === undefined && a['max-requests'] === undefined && !a.ramp) warn('--loop forever without --duration or --max-requests runs until interrupted');
  const first = await open();
  let opened = false;
  const schedule = captureScheduleBatches(
    () => {
      if (!opened) return ((opened = true), first);
      return { [Symbol.asyncIterator]: () => reopen(open) };
    },
    { speed: a.speed, rate: a.rate, poisson: a.poisson, seed: a.seed, ...(a.ramp ? { ramp: a.ramp } : {}), loop, durationMs, maxRequests: a['max-requests'], filter, transform, counts },
  );
  const labels = targets.map((t) => safeUrl(t.url)); // results and summaries name targets without a URL password
  const stage = await stagingOf(a, labels);
  const collector = a.compare ? new ComparisonCollector(noise ? 'noise' : 'recorded', labels, { headers: a['compare-header'], ignorePaths: a.ignore, ignoreRegex: a['ignore-regex'], ignoreArrayOrder: a['ignore-array-order'], custom: stage.compareHook() }) : undefined;
  const results = a.results ? new ResultsWriter(a.results, labels) : undefined;
  const progress = a.quiet ? undefined : progressPrinter('replay', { totalRequests: a['max-requests'], totalMs: a['max-requests'] ? undefined : durationMs ?? a.ramp?.durationMs }, a.progress ? { live: true } : {});
  const metrics = a['metrics-remote-write'] ? (await import('../metrics/index.js')).liveMetrics(a['metrics-remote-write'], {}, warn) : undefined;
  const onProgress = progress || metrics ? (p: Parameters<NonNullable<Parameters<typeof runLoad>[0]['onProgress']>>[0]): void => (progress?.update(p), metrics?.snapshot('replay', p)) : undefined;
  // A person watching sees the run start at once, not after the engine's first one-second snapshot.
  progress?.update({ elapsedMs: 0, scheduled: 0, completed: 0, errors: 0, dropped: 0, inFlight: 0 });
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  // SIGTERM is how CI, timeout(1), systemd and Kubernetes stop a job: it gets what an interrupt gets.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const read = (): NonNullable<ReplaySummary['input']> => ({
    exchanges: input ? input.exchanges : counts.exchanges,
    invalid: input ? input.invalid : readers.reduce((n, s) => n + ((s.stats() as { invalid?: number }).invalid ?? 0), 0),
    filtered: counts.filtered,
  });
  let run;
  try {
    run = await load({
      schedule,
      targets,
      pace: a.speed === 0 && !a.rate && !a.ramp ? 'max' : 'schedule',
      signal: ac.signal,
      validity,
      drainMs: a.drain,
      stage,
      ...(collector ? { responses: collector } : {}),
      // With a stream group, a target the stage skipped counts as handled there (the entry is acknowledged).
      ...(answered ? { onSkipped: answered } : {}),
      ...(results || answered ? { onResult: (r) => (results?.write(r), answered?.(r.id)) } : {}),
      ...(onProgress ? { onProgress } : {}),
    }, collector, read);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    progress?.end();
    await Promise.all([results?.close(), metrics?.close()]);
  }
  // Spread over workers, each compared its share and the load step merged them.
  const differences = run.differences ?? collector?.report();
  const measured = { ...run, ...(differences ? { differences } : {}) };
  const verdict = judgeReplay(measured, { maxErrorRate, failOnDiff: a['fail-on-diff'] });
  const summary: ReplaySummary = { ...measured, input: run.input ?? read(), generator: { maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }, verdict };
  const stagingText = addStaging(summary, stage);
  if (a.summary) await writePrivateFile(a.summary, JSON.stringify(summary, null, 2) + '\n');
  if (a.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  else printSummary(summary, process.stdout);
  if (!a.json) for (const l of stagingText) process.stdout.write(`${l}\n`);
  if ((a.out || a.junit) && report) await report(a, summary, noise);
  if (verdict.result === 'invalid') throw new InvalidRunError(verdict.reasons.join('; '));
  // A failed run may also be invalid: that is said too, but the failure decides the exit code.
  for (const r of verdict.reasons) process.stderr.write(`${verdict.failures.includes(r) ? 'failed' : 'also'}: ${r}\n`);
  return verdict.exitCode;
}

/** A source's exchanges one at a time (for the merge), stopping it however the reading ends. */
async function* exchangesOf(source: Source): AsyncGenerator<Exchange> {
  try {
    for await (const batch of source.batches()) yield* batch;
  } finally {
    await source.stop();
  }
}

async function* reopen(open: () => Promise<AsyncIterable<Exchange | Exchange[]>>): AsyncGenerator<Exchange | Exchange[]> {
  yield* await open();
}

/** Calls `done(id)` once `n` results (one per target) of that request have come. */
function afterEveryTarget(n: number, done: (id: string) => void): (id: string) => void {
  const seen = new Map<string, number>();
  return (id) => {
    const k = (seen.get(id) ?? 0) + 1;
    if (k < n) return void seen.set(id, k);
    seen.delete(id);
    done(id);
  };
}
