import type { Exchange } from '../exchange.js';
import { InputError } from '../errors.js';
import type { Stage } from '../stages/stage.js';
import { redactionStage } from '../stages/redaction.js';
import type { RedactPolicy } from '../stages/redact/index.js';
import type { Source } from './source.js';
import type { Sink } from './sink.js';

/** A sink with stages of its own, applied after the shared ones (the agent's mirror samples and caps its rate). */
export interface Route {
  sink: Sink;
  stages?: readonly Stage[];
}

export interface PumpOptions {
  source: Source;
  /** Applied to every batch, in order, before the routes. */
  stages?: readonly Stage[];
  /** Required: the pump redacts before every sink (but a `takesOriginal` one); `{ enabled: false }` only from --no-redact. */
  redaction: RedactPolicy;
  sinks: readonly (Sink | Route)[];
  /**
   * A sink's write failed: return true to go on without it for this batch (the recording proxy keeps
   * forwarding and counts what it could not record); by default the pump stops and rethrows.
   */
  onSinkError?: (sink: Sink, err: Error, batch: readonly Exchange[]) => boolean;
}

export interface PumpStats {
  /** Exchanges the source delivered. */
  read: number;
  /** Per stage, what it reported (dropped, truncated…). */
  stages: Record<string, Record<string, number>>;
  sinks: Record<string, ReturnType<Sink['stats']>>;
}

/**
 * The one loop from a source to its sinks: source → stages → redaction → sinks. Back-pressure: the next
 * batch is read once every sink took the last. A stage that is `done` (a count limit) stops the source.
 * Errors: the sinks are closed (what was written stays whole) and the error is rethrown; an input's
 * I/O error becomes an InputError naming it (exit 2). Sinks are closed before the pump returns.
 */
export async function pump(o: PumpOptions): Promise<PumpStats> {
  const stages = o.stages ?? [];
  const routes = o.sinks.map((s) => ('sink' in s ? s : { sink: s }));
  const redact = redactionStage(o.redaction);
  let read = 0;
  let failure: unknown;
  try {
    for await (const batch of o.source.batches()) {
      read += batch.length;
      let b = batch;
      for (const st of stages) if (b.length) b = st.apply(b);
      if (b.length) await deliver(b, routes, redact, o.onSinkError);
      const ended = stages.some((st) => st.done);
      if (o.source.handled) {
        // Written is not yet safe: acknowledged entries are never delivered again, so the sinks flush first.
        await Promise.all(routes.map((r) => r.sink.flush()));
        // A stage that ended the run (a count limit) left the rest of this batch undecided: not handled.
        o.source.handled(ended ? b : batch);
      }
      if (ended) break;
    }
  } catch (err) {
    failure = err;
  }
  // Stop before closing: a live source lets its capture tool report its counts.
  await o.source.stop().catch((err: unknown) => (failure ??= err));
  const closed = await Promise.allSettled(routes.map((r) => r.sink.close()));
  for (const c of closed) if (c.status === 'rejected') failure ??= c.reason;
  if (failure !== undefined) throw named(failure, o.source);
  return statsOf(read, stages, routes, redact);
}

async function deliver(batch: Exchange[], routes: readonly Route[], redact: Stage, onSinkError: PumpOptions['onSinkError']): Promise<void> {
  // Redacted once per batch, shared by every sink that writes or prints.
  let redacted: Exchange[] | undefined;
  await Promise.all(
    routes.map(async (r) => {
      let b = r.sink.takesOriginal ? batch : (redacted ??= redact.apply(batch));
      for (const st of r.stages ?? []) if (b.length) b = st.apply(b);
      if (!b.length) return;
      try {
        await r.sink.write(b);
      } catch (err) {
        if (!onSinkError?.(r.sink, err as Error, b)) throw err;
      }
    }),
  );
}

/** An input's own failure (ENOENT, EACCES, EISDIR…) named after the input, so it reads as bad input (exit 2). */
function named(err: unknown, source: Source): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof Error && !(err instanceof InputError) && typeof code === 'string' && (err as NodeJS.ErrnoException).syscall !== 'write') {
    return new InputError(err.message.includes(source.name) ? err.message : `${source.name}: ${err.message}`);
  }
  return err;
}

function statsOf(read: number, stages: readonly Stage[], routes: readonly Route[], redact: Stage): PumpStats {
  const out: PumpStats = { read, stages: {}, sinks: {} };
  for (const st of [...stages, ...routes.flatMap((r) => r.stages ?? []), redact]) if (st.stats) out.stages[st.name] = st.stats();
  for (const r of routes) out.sinks[r.sink.name] = r.sink.stats();
  return out;
}
