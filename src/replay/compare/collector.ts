import { Buffer } from 'node:buffer';
import { bodyBytes } from '../../body.js';
import type { DifferenceReport, FieldDifference, ObservedResponse, RequestResult, ResponseSink, ScheduledRequest } from '../types.js';
import type { Exchange } from '../../exchange.js';
import { diffResponses } from './response-diff.js';
import { compileRules, type CompareRules } from './rules.js';
import { DifferenceTally } from './tally.js';
import { createResponseRedactor, REDACT_ALL } from '../../stages/redact/index.js';

const EMPTY = Buffer.alloc(0);
const ROLES = ['primary', 'secondary', 'candidate'];
const SKIPPED = 'skipped by the request stage (staging writes policy or plugin)';

/**
 * Why a recording is no baseline for the target's answer, or undefined when it is: the target got less
 * of the request than production did (a body cut short, a request cut off), or production's answer to
 * it is only guessed (pipelined requests paired after a capture loss).
 */
function notABaseline(ex: Exchange): string | undefined {
  if (ex.request.body?.truncated || ex.flags?.includes('request-truncated')) return 'the recorded request is incomplete (body cut by --max-body, or bytes lost in the capture)';
  if (ex.flags?.includes('pairing-guessed')) return 'the recorded response is a guess (pipelined requests after a capture loss)';
  return undefined;
}

type Emit = (r: RequestResult & { diff?: string[] }) => void;

interface Pending {
  results: (RequestResult | undefined)[];
  responses: (ObservedResponse | undefined)[];
  /** Targets the request stage skipped it for: they will never answer. */
  skipped: boolean[];
  left: number;
}

/**
 * The response sink that compares. Mode "recorded": every target against the recorded response.
 * Mode "noise" (targets = primary, secondary, candidate): candidate against primary, and a field that
 * also differs between primary and secondary is noise (Diffy's idea), not a regression. Noise mode
 * holds each request until all three targets answered or were skipped (`skipped`); that is bounded by
 * the targets' queues. A request that cannot be compared is counted, with why, never waited for.
 */
export class ComparisonCollector implements ResponseSink {
  readonly wantsBodies = true;
  private readonly rules;
  private readonly tallies: DifferenceTally[];
  private readonly pending = new Map<string, Pending>();
  /** Differences are shown with example values: a target's answers pass the redaction stage first. */
  private readonly redact = createResponseRedactor<ObservedResponse>(REDACT_ALL);

  constructor(
    private readonly mode: 'recorded' | 'noise',
    private readonly urls: string[],
    rules: CompareRules = {},
  ) {
    this.rules = compileRules(rules);
    this.tallies = mode === 'noise' ? [new DifferenceTally(2, urls[2]!)] : urls.map((u, i) => new DifferenceTally(i, u));
  }

  complete(req: ScheduledRequest, result: RequestResult, observed: ObservedResponse | undefined, emit?: Emit): void {
    const response = observed && this.redact(observed);
    if (this.mode === 'recorded') {
      const diffs = this.againstRecorded(req, result, response);
      // The per-result copy with its diff fields is only built for someone who reads it (--results).
      emit?.(diffs ? { ...result, diff: diffs.map((d) => d.field) } : result);
      return;
    }
    this.arrive(req, result.target, result, response, emit);
  }

  skipped(req: ScheduledRequest, target: number, emit?: Emit): void {
    if (this.mode === 'recorded') this.tallies[target]!.notCompared(SKIPPED);
    else this.arrive(req, target, undefined, undefined, emit);
  }

  private arrive(req: ScheduledRequest, target: number, result: RequestResult | undefined, response: ObservedResponse | undefined, emit?: Emit): void {
    let p = this.pending.get(req.id);
    if (!p) this.pending.set(req.id, (p = { results: [], responses: [], skipped: [], left: this.urls.length }));
    p.results[target] = result;
    p.responses[target] = response;
    p.skipped[target] = result === undefined;
    if (--p.left > 0) return;
    this.pending.delete(req.id);
    this.compareThree(req, p, emit);
  }

  private compareThree(req: ScheduledRequest, p: Pending, emit?: Emit): void {
    const [pri, sec, cand] = p.responses;
    let noise: FieldDifference[] = [];
    let diffs: FieldDifference[] = [];
    if (pri && sec) noise = diffResponses(pri, sec, this.rules);
    if (pri && cand) {
      diffs = diffResponses(pri, cand, this.rules);
      this.tallies[0]!.add(req.id, req.endpoint ?? '', diffs, noise);
    } else {
      const i = pri ? 2 : 0;
      this.tallies[0]!.notCompared(p.skipped[i] ? `${ROLES[i]}: ${SKIPPED}` : `no response from the ${ROLES[i]}`);
    }
    if (!emit) return;
    const noisy = new Set(noise.map((d) => d.field));
    const fieldsOf = [[], noise.map((d) => d.field), diffs.filter((d) => !noisy.has(d.field)).map((d) => d.field)];
    p.results.forEach((r, i) => r && emit({ ...r, diff: fieldsOf[i] ?? [] }));
  }

  report(): DifferenceReport {
    const noiseMode = this.mode === 'noise';
    // Still waiting for a target's answer when the run ended (interrupted, abandoned after the drain).
    if (this.pending.size) this.tallies[0]!.notCompared('a target had not answered when the run ended', this.pending.size);
    this.pending.clear();
    return {
      mode: this.mode,
      targets: this.tallies.map((t) => t.report(noiseMode)),
    };
  }

  private againstRecorded(req: ScheduledRequest, result: RequestResult, response: ObservedResponse | undefined): FieldDifference[] | undefined {
    const rec = req.recorded?.response;
    if (!rec || !response) return void this.tallies[result.target]!.notCompared(rec ? 'no response' : 'no recorded response');
    const why = notABaseline(req.recorded!);
    if (why) return void this.tallies[result.target]!.notCompared(why);
    // A truncated recording cannot be compared body for body: compare status and headers only.
    const body = rec.body && !rec.body.truncated ? bodyBytes(rec.body) : undefined;
    const expected: ObservedResponse = { status: rec.status, headers: rec.headers, body: body ?? EMPTY };
    let diffs = diffResponses(expected, body ? response : { ...response, body: EMPTY }, this.rules);
    if (!body) diffs = diffs.filter((d) => !d.field.startsWith('body'));
    this.tallies[result.target]!.add(req.id, req.endpoint ?? '', diffs);
    return diffs;
  }
}
