import { resolve } from 'node:path';
import type { ReplayArgs } from '../replay/replay-args.js';
import type { DifferenceReport, ReplaySummary, RequestResult, RunOptions, RunSummary } from '../replay/types.js';
import { mergeDifferences } from './differences.js';
import { DEFAULT_LIMITS } from '../replay/validity.js';
import { coordinate } from './coordinator.js';
import { encodeJson } from './protocol.js';
import { coordinatorSide } from './transport.js';

/** Beyond its drain, how long a stopped worker has for its `done` to arrive. */
const STOP_MARGIN_MS = 5000;

export interface SpreadArgs {
  workers?: number;
  coordinator?: string;
  /** ms */
  'barrier-timeout': number;
  /** ms */
  'heartbeat-timeout': number;
}

/**
 * The load step of `replay --workers N` / `--coordinator redis://…`: the same runReplay around it
 * (filters, verdict, summary, report, JUnit), with the sending done by workers and merged here.
 */
export function spreadLoad(a: ReplayArgs & SpreadArgs): (o: RunOptions) => Promise<RunSummary & Pick<ReplaySummary, 'input'>> {
  const count = a.workers ?? 1;
  const log = (line: string): void => void (a.quiet || process.stderr.write(`${line}\n`));
  // Workers read the same captures (absolute paths for local workers), compare what they sent, and
  // report to the coordinator only: their results (for --results) and their comparison come back here.
  const work: ReplayArgs & { sendResults: boolean } = { ...a, captures: a.coordinator ? a.captures : a.captures.map((c) => resolve(c)), quiet: true, json: false, summary: undefined, out: undefined, junit: undefined, results: undefined, sendResults: Boolean(a.results) };
  for (const k of ['workers', 'coordinator', 'barrier-timeout', 'heartbeat-timeout', '$0', '_'] as const) delete (work as unknown as Record<string, unknown>)[k];
  return async (o): Promise<RunSummary & Pick<ReplaySummary, 'input'> & { differences?: DifferenceReport }> => {
    // Workers compute their own shares; this process's copy of the schedule is never read.
    if (Symbol.asyncIterator in o.schedule) await (o.schedule as AsyncGenerator).return?.(undefined);
    const { run, done } = await coordinate({
      transport: await coordinatorSide(a.coordinator),
      count,
      args: encodeJson(work),
      split: a.rate || a.ramp ? 'stripe' : 'session',
      barrierMs: a['barrier-timeout'],
      heartbeatTimeoutMs: a['heartbeat-timeout'],
      targets: o.targets.map((t) => t.url),
      intervalMs: o.intervalMs ?? 1000,
      skipAfterMs: o.validity?.skipAfterMs ?? DEFAULT_LIMITS.skipAfterMs,
      paced: o.pace !== 'max',
      log,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      // A run that fails still writes its summary, JUnit and results, marked invalid; stopped workers
      // drain what they have in flight first, as a single process does.
      partialAfterMs: (o.drainMs ?? 30_000) + STOP_MARGIN_MS,
      ...(o.onResult ? { onResults: (rs: RequestResult[]) => rs.forEach(o.onResult!) } : {}),
    });
    const differences = a.compare ? mergeDifferences(done.flatMap((d) => (d.differences ? [d.differences] : []))) : undefined;
    // Every worker read the whole input (each takes its share after reading and filtering): one says what.
    const input = done.find((d) => d.input)?.input;
    return { ...run, ...(differences ? { differences } : {}), ...(input ? { input } : {}) };
  };
}
