import { Buffer } from 'node:buffer';
import type { ObservedResponse, RequestResult, ScheduledRequest, TargetOptions } from '../types.js';
import { targetDispatcher, type TargetDispatcher } from './agent.js';
import { headerPlan, outgoingHeaders, type HeaderPlan } from './headers.js';
import { RequestHandler } from './handler.js';
import { classifyError, describeError, DRAIN_CODE } from './errors.js';
import { clientError } from './h1-request.js';
import { Fifo } from './fifo.js';
import { monoUs } from '../pacer.js';

const PRECONNECT_MS = 2000;

interface Pending {
  req: ScheduledRequest;
  /** Monotonic µs: when the request should have been sent, and when the generator handed it over. */
  dueUs: number;
  handedUs: number;
  /** It waited here because connections × pipelining requests were in flight. */
  queued: boolean;
}

export interface Finished {
  req: ScheduledRequest;
  result: RequestResult;
  response: ObservedResponse | undefined;
  endUs: number;
}

/**
 * One target of a run: its own dispatcher, in-flight limit and bounded queue, so that a slow or
 * stalled target queues and then drops its own requests while every other target keeps its schedule.
 * In-flight is capped at connections × pipelining: a request waits here, not inside the client, and
 * is counted as queued (an open model that cannot keep its schedule says so). `sentUs` and lag are
 * taken when the request's bytes are written to its socket, so raw latency is the closed-loop view.
 */
export class TargetRunner {
  readonly d: TargetDispatcher;
  inFlight = 0;
  private readonly queue = new Fifo<Pending>();
  private readonly maxInFlight: number;
  /** Set to 0 when abandoning, so that nothing more is sent. */
  private maxInFlightNow = Infinity;
  private readonly maxQueue: number;
  private readonly plan: HeaderPlan;
  private idleWaiters: (() => void)[] = [];
  private slotWaiters: (() => void)[] = [];
  /** Called, synchronously, whenever a request finishes and a slot is free: the engine's pace 'max' sends the next one there. */
  onSlot: (() => void) | undefined;

  constructor(
    readonly index: number,
    readonly opts: TargetOptions,
    private readonly clock: { readonly startUs: number },
    private readonly keepBodies: boolean,
    private readonly done: (f: Finished) => void,
  ) {
    this.d = targetDispatcher(opts);
    this.maxInFlight = opts.maxInFlight ?? (opts.connections ?? 10) * (opts.pipelining ?? 1);
    this.maxQueue = opts.maxQueue ?? 10_000;
    this.plan = headerPlan({ ...(opts.preserveHost ? {} : { host: new URL(this.d.origin).host }), ...(opts.headers ? { set: opts.headers } : {}), ...(opts.tagHeader ? { tagHeader: opts.tagHeader } : {}) });
  }

  get busy(): number {
    return this.inFlight + this.queue.length;
  }

  hasFreeSlot(): boolean {
    return this.inFlight < this.maxInFlight;
  }

  submit(req: ScheduledRequest, dueUs: number, handedUs: number): void {
    const p: Pending = { req, dueUs, handedUs, queued: false };
    if (this.inFlight < this.maxInFlight) this.send(p);
    else if (this.queue.length < this.maxQueue) {
      p.queued = true;
      this.queue.push(p);
    } else this.finish(p, handedUs, handedUs, undefined, 'dropped', undefined);
  }

  /**
   * Opens the target's connections before the clock starts (a handshake is not the first request's
   * lag). Waits at most PRECONNECT_MS: a target that slow to accept fails or queues on its own.
   */
  async prepare(): Promise<void> {
    const opening = this.d.dispatcher.preconnect();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([opening, new Promise<void>((r) => (timer = setTimeout(r, PRECONNECT_MS)))]);
    clearTimeout(timer);
  }

  /** Resolves when a send slot is free (pace 'max'). */
  waitSlot(): Promise<void> {
    return this.hasFreeSlot() ? Promise.resolve() : new Promise((r) => this.slotWaiters.push(r));
  }

  /** Resolves when nothing is in flight or queued. */
  waitIdle(): Promise<void> {
    return this.busy === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  close(): Promise<void> {
    return this.d.dispatcher.close();
  }

  /**
   * Gives up when the run's drain of `drainMs` ran out: what is still queued was never sent and is
   * dropped, as every unsent request is; what is in flight fails as `drain`, saying so (not as a
   * client error: the client was stopped on purpose).
   */
  async abandon(drainMs: number): Promise<void> {
    this.maxInFlightNow = 0;
    for (let p = this.queue.shift(); p; p = this.queue.shift()) this.finish(p, p.handedUs, monoUs(), undefined, 'dropped', undefined);
    await this.d.dispatcher.destroy(clientError(DRAIN_CODE, `not answered within --drain ${drainMs} ms`)).catch(() => undefined);
  }

  private send(p: Pending): void {
    this.inFlight++;
    const { req } = p;
    const handler = new RequestHandler(p, this.keepBodies, this.settle);
    try {
      this.d.dispatcher.dispatch(
        {
          path: this.d.prefix + pathOf(req.target),
          method: req.method,
          headers: outgoingHeaders(req.headers, this.plan, req.id),
          body: req.body && req.body.length ? Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength) : null,
        },
        handler,
      );
    } catch (err) {
      handler.settle(err);
    }
  }

  private readonly settle = (h: RequestHandler<Pending>, err: unknown, endUs: number): void => {
    const error = err === undefined ? undefined : classifyError(err, this.d.viaProxy);
    this.inFlight--;
    this.finish(h.pending, h.sentUs, endUs, error ? undefined : h.statusCode, error, error ? undefined : h.response(), error && describeError(err, error));
    this.pump();
  };

  private pump(): void {
    while (this.inFlight < Math.min(this.maxInFlight, this.maxInFlightNow) && this.queue.length > 0) this.send(this.queue.shift()!);
    if (this.inFlight < this.maxInFlight) {
      if (this.slotWaiters.length) for (const w of this.slotWaiters.splice(0)) w();
      this.onSlot?.();
    }
    if (this.busy === 0 && this.idleWaiters.length) for (const w of this.idleWaiters.splice(0)) w();
  }

  private finish(p: Pending, sentUs: number, endUs: number, status: number | undefined, error: RequestResult['error'], response: ObservedResponse | undefined, reason?: string): void {
    const result: RequestResult = {
      id: p.req.id,
      target: this.index,
      endpoint: p.req.endpoint ?? '',
      method: p.req.method,
      intendedUs: Math.round(p.dueUs - this.clock.startUs),
      sentUs: Math.round(sentUs - this.clock.startUs),
      latencyUs: Math.round(endUs - p.dueUs),
      rawLatencyUs: Math.round(endUs - sentUs),
      // Lag is measured when the bytes are written, so waiting for a connection or a connect counts.
      lagUs: Math.round(sentUs - p.dueUs),
    };
    if (p.queued) result.queued = true;
    if (status !== undefined) result.status = status;
    if (error) result.error = error;
    if (reason) result.reason = reason;
    this.done({ req: p.req, result, response, endUs });
    if (error === 'dropped' && this.busy === 0) this.pump();
  }
}

/** Absolute-form targets (recorded through a proxy) become origin-form for the target. */
function pathOf(target: string): string {
  if (target.startsWith('/')) return target;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    const u = new URL(target);
    return u.pathname + u.search;
  }
  return `/${target}`;
}
