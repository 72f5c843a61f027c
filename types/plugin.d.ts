/**
 * The plugin contract of `shadowtap replay --plugin FILE` (and `plugins:` in scenarios.yaml), exported
 * as `shadowtap/plugin` (this file; `src/replay/staging/plugin-types.ts` re-exports it). A plugin is an ES module whose default export (or named exports) are hooks.
 * A hook that throws marks its request (counted, shown in the summary and report); the run goes on.
 */

export interface PluginHeader {
  name: string;
  value: string;
}

/** A request about to be sent to one target. Return a changed copy (or change it in place). */
export interface PluginRequest {
  /** The replay's id of this request (exchange id + loop). */
  readonly id: string;
  method: string;
  /** Path and query. */
  target: string;
  headers: PluginHeader[];
  body?: Uint8Array;
}

/** A response, as the target gave it or as it was recorded (secrets redacted in recorded ones). */
export interface PluginResponse {
  status: number;
  headers: PluginHeader[];
  body: Uint8Array;
}

export interface PluginContext {
  /** The target's URL (without a password) and its index among the run's targets. */
  readonly target: string;
  readonly targetIndex: number;
  /** This request's id and route template ("/users/{id}"). */
  readonly id: string;
  readonly endpoint: string;
  /** State shared by the requests of one recorded session on this target (not set in compare). */
  readonly session?: Map<string, unknown>;
}

/** What `compare` may decide: fields to leave out ("body:$.ts", "header:etag", or a JSON path "$.ts"), and/or a verdict. */
export interface CompareDecision {
  ignore?: string[];
  /** 'same': no differences at all; 'different': differs even if no field does (`reason` is shown). */
  verdict?: 'same' | 'different';
  reason?: string;
}

export interface ShadowtapPlugin {
  /** Rewrite (return the request) or skip it for this target (return 'skip'); undefined = unchanged. */
  request?(req: PluginRequest, ctx: PluginContext): PluginRequest | 'skip' | undefined | void | Promise<PluginRequest | 'skip' | undefined | void>;
  /** Read what a later request needs (store it in ctx.session). */
  response?(res: PluginResponse, ctx: PluginContext): void;
  /** Decide about a recorded/replayed pair; runs after the built-in field comparison. */
  compare?(recorded: PluginResponse, replayed: PluginResponse, ctx: PluginContext): CompareDecision | undefined | void;
}

/** Identity helper that gives a plugin module its types: `export default definePlugin({ … })`. */
export declare function definePlugin(p: ShadowtapPlugin): ShadowtapPlugin;
