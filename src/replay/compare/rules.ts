import { pathMatcher } from './json-diff.js';
import { regexOf } from '../filters.js';
import type { FieldDifference, ObservedResponse } from '../types.js';

/** What a comparison looks at and what it leaves out. */
export interface CompareRules {
  /** Response headers compared (lower case); default content-type. */
  headers?: string[];
  /** JSON paths left out (`$.meta.requestId`, `items[*].ts`). */
  ignorePaths?: string[];
  /** Regexes: any field ("status", "header:date", "body:$.a.b") whose name matches is left out. */
  ignoreRegex?: string[];
  ignoreArrayOrder?: boolean;
  /** A last step over each pair's differences (plugins' compare hooks). */
  custom?: CustomCompare;
}

export type CustomCompare = (expected: ObservedResponse, actual: ObservedResponse, diffs: FieldDifference[]) => FieldDifference[];

export interface CompiledRules {
  custom?: CustomCompare;
  headers: string[];
  ignoreArrayOrder: boolean;
  /** True for a field name to leave out. */
  ignored: (field: string) => boolean;
  /** True for a JSON path to leave out. */
  ignoredPath: (path: string) => boolean;
}

export function compileRules(r: CompareRules = {}): CompiledRules {
  const byPath = pathMatcher(r.ignorePaths ?? []);
  const res = (r.ignoreRegex ?? []).map((s) => regexOf(s, '--ignore-regex'));
  const ignoredField = (f: string): boolean => res.some((re) => re.test(f));
  return {
    headers: (r.headers ?? ['content-type']).map((h) => h.toLowerCase()),
    ignoreArrayOrder: r.ignoreArrayOrder ?? false,
    ignored: ignoredField,
    ignoredPath: (p) => byPath(p) || ignoredField(`body:${p}`),
    ...(r.custom ? { custom: r.custom } : {}),
  };
}
