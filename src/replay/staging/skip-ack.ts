import type { ResponseSink } from '../types.js';

/**
 * A request the stage skipped for a target (a write policy, a plugin's 'skip') was decided, so it is
 * handled there: `skipped(id)` is told, as a result would be (a stream read with a group acknowledges
 * the entry once every target has answered or skipped it, instead of having it delivered again). The
 * run's comparison, if any, is told as before.
 */
export function reportingSkips(sink: ResponseSink | undefined, skipped: (id: string) => void): ResponseSink {
  return {
    wantsBodies: sink?.wantsBodies ?? false,
    complete: (req, result, response, emit) => (sink ? sink.complete(req, result, response, emit) : emit?.(result)),
    skipped(req, target, emit) {
      sink?.skipped?.(req, target, emit);
      skipped(req.id);
    },
  };
}
