import type { FieldDifference, ObservedResponse } from '../../types.js';
import { decodedBody } from '../decode.js';
import type { CompiledRules } from '../rules.js';

/**
 * One comparison rule: adds the differences it finds between a pair of responses to `out`, named
 * by field ("status", "header:etag", "body:$.items[0].id", "body"). Rules run in the order of
 * `COMPARE_RULES` (index.ts); leaving fields out and plugin hooks come after all of them.
 */
export interface CompareRule {
  readonly name: string;
  diff(pair: ResponsePair, rules: CompiledRules, out: FieldDifference[]): void;
}

/**
 * The two responses under comparison. Bodies are decoded (Content-Encoding undone) once, when a rule
 * first asks, and the first body rule that compares them claims them, so a later, more general one
 * (text after JSON) leaves them alone.
 */
export class ResponsePair {
  private decoded: [Buffer, Buffer] | undefined;
  bodyClaimed = false;

  constructor(
    readonly expected: ObservedResponse,
    readonly actual: ObservedResponse,
  ) {}

  /** The decoded bodies [expected, actual]. */
  bodies(): [Buffer, Buffer] {
    this.decoded ??= [decodedBody(this.expected.headers, this.expected.body), decodedBody(this.actual.headers, this.actual.body)];
    return this.decoded;
  }

  /** The decoded bodies when they differ and no earlier body rule has compared them. */
  unclaimedBodyDifference(): [Buffer, Buffer] | undefined {
    if (this.bodyClaimed) return undefined;
    const [x, y] = this.bodies();
    if (x.equals(y)) return (this.bodyClaimed = true), undefined;
    return [x, y];
  }
}
