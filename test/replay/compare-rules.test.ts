import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPARE_RULES, ResponsePair, type CompareRule } from '../../src/replay/compare/rules/index.js';
import { diffResponses } from '../../src/replay/compare/response-diff.js';
import { compileRules } from '../../src/replay/compare/rules.js';
import type { FieldDifference } from '../../src/replay/types.js';

const DIR = join(process.cwd(), 'src/replay/compare/rules');
const res = (status: number, body: string, type = 'application/json'): { status: number; headers: { name: string; value: string }[]; body: Buffer } => ({ status, headers: [{ name: 'content-type', value: type }], body: Buffer.from(body) });

describe('comparison rules (one file per rule, one list)', () => {
  it('every rule file of src/replay/compare/rules/ is in COMPARE_RULES, and the list has nothing else', async () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'rule.ts');
    const exported: CompareRule[] = [];
    for (const f of files) for (const v of Object.values(await import(join(DIR, f)))) exported.push(v as CompareRule);
    expect(new Set(exported)).toEqual(new Set(COMPARE_RULES));
    expect(COMPARE_RULES.map((r) => r.name)).toEqual(['status', 'headers', 'json body', 'body']);
  });

  it('a body is compared by the first body rule that claims it: JSON field by field, else byte for byte', () => {
    const rules = compileRules();
    expect(diffResponses(res(200, '{"a":1.0,"b":[1]}'), res(200, '{"a":1,"b":[2]}'), rules)).toEqual([{ field: 'body:$.b[0]', expected: '1', actual: '2' }]);
    expect(diffResponses(res(200, '{"a":1}'), res(200, 'oops', 'text/plain'), rules)).toEqual([
      { field: 'header:content-type', expected: 'application/json', actual: 'text/plain' },
      { field: 'body', expected: '{"a":1}', actual: 'oops' },
    ]);
  });

  it('each rule alone adds only its own fields, in list order', () => {
    const pair = new ResponsePair(res(500, '{"a":1}'), res(200, '{"a":2}', 'text/json'));
    const out: FieldDifference[] = [];
    for (const r of COMPARE_RULES) r.diff(pair, compileRules(), out);
    expect(out.map((d) => d.field)).toEqual(['status', 'header:content-type', 'body:$.a']);
  });
});
