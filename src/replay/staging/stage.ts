import type { ObservedResponse, RequestResult, RequestStage, ScheduledRequest } from '../types.js';
import type { FieldDifference } from '../types.js';
import type { TokenProvider } from './oauth2.js';
import { HookClock } from './plugins.js';
import type { StagingReport } from './report.js';
import type { TargetParts } from './target-stage.js';
import { TargetStage } from './target-stage.js';
import { compareWithPlugins } from './compare-hook.js';
import { KnownSecrets } from './known-secrets.js';

/**
 * The replay's request stage: per target, the request-preparation and response-observation steps
 * the engine calls for every request. Built for every replay: with nothing configured it only
 * watches for requests refused for lack of credentials.
 */
export class StagingStage implements RequestStage {
  readonly wantsBodies: boolean;
  private readonly targets: TargetStage[];
  private readonly clock = new HookClock();
  /** The request whose response is being observed (and its target): comparison runs right after, synchronously. */
  private currentReq: ScheduledRequest | undefined;
  private currentTarget = 0;

  private readonly secrets = new KnownSecrets();

  constructor(urls: readonly string[], private readonly parts: TargetParts[]) {
    this.targets = parts.map((p, i) => new TargetStage(i, urls[i]!, p, this.clock, this.secrets));
    for (const p of parts) {
      for (const v of p.credentials?.values() ?? []) this.secrets.addFixed(v);
      if (p.sessions) p.sessions.secrets = this.secrets;
    }
    this.wantsBodies = parts.some((p) => p.sessions || p.plugins.some((pl) => pl.response));
  }

  async start(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.tokens?.provider.start()));
  }

  prepare(target: number, req: ScheduledRequest): ScheduledRequest | undefined | Promise<ScheduledRequest | undefined> {
    return this.targets[target]!.prepare(req);
  }

  observe(target: number, req: ScheduledRequest, result: RequestResult, res: ObservedResponse | undefined): Promise<ScheduledRequest> | undefined {
    this.currentReq = req;
    this.currentTarget = target;
    return this.targets[target]!.observe(req, result, res);
  }

  /** The last compare step: plugins' compare hooks, then staging secrets scrubbed from the differences shown. */
  compareHook(): (expected: ObservedResponse, actual: ObservedResponse, diffs: FieldDifference[]) => FieldDifference[] {
    const plugins = this.parts.some((p) => p.plugins.some((pl) => pl.compare));
    return (expected, actual, diffs) => {
      const req = this.currentReq;
      if (!plugins || !req) return this.secrets.scrub(diffs);
      const t = this.targets[this.currentTarget]!;
      return this.secrets.scrub(compareWithPlugins(this.parts[this.currentTarget]!.plugins, expected, actual, diffs, t.ctx(req), (f) => t.call('compare', req.id, f)));
    };
  }

  report(): StagingReport {
    return {
      targets: this.targets.map((t, i) => {
        const tokens: TokenProvider | undefined = this.parts[i]!.tokens?.provider;
        return tokens ? { ...t.report, tokenRequests: tokens.requests } : t.report;
      }),
      hooks: { ...this.clock.figures, ms: Math.round(this.clock.figures.ms * 10) / 10, maxMs: Math.round(this.clock.figures.maxMs * 100) / 100 },
    };
  }
}
