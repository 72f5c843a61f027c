import type { FieldDifference } from '../types.js';

/** Recent values kept besides the configured ones (session cookies and CSRF values change per session). */
const RECENT = 256;
/** Shorter values are not scrubbed: they would match ordinary text. */
const MIN_LENGTH = 6;

/**
 * Secrets the staging stage handles in clear: configured credentials, tokens, cookies the target set,
 * values extracted for sessions (and the recorded values they replace). Comparison examples are shown
 * in summaries and reports, so a differing field's values are scrubbed of them; the redaction stage
 * already hashes named fields, but a CSRF token in an HTML form has no name it knows.
 */
export class KnownSecrets {
  private readonly fixed = new Set<string>();
  private readonly recent: string[] = [];

  addFixed(v: string): void {
    if (v.length >= MIN_LENGTH) this.fixed.add(v);
  }

  add(v: string): void {
    if (v.length < MIN_LENGTH || this.fixed.has(v) || this.recent.includes(v)) return;
    if (this.recent.push(v) > RECENT) this.recent.shift();
  }

  get size(): number {
    return this.fixed.size + this.recent.length;
  }

  scrub(diffs: FieldDifference[]): FieldDifference[] {
    if (!diffs.length || !this.size) return diffs;
    return diffs.map((d) => {
      const expected = this.text(d.expected);
      const actual = this.text(d.actual);
      return expected === d.expected && actual === d.actual ? d : { ...d, expected, actual };
    });
  }

  private text(s: string): string {
    let out = s;
    for (const v of this.fixed) if (out.includes(v)) out = out.split(v).join('(staging secret)');
    for (const v of this.recent) if (out.includes(v)) out = out.split(v).join('(staging secret)');
    return out;
  }
}
