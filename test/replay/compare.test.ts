import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { tempDir } from '../helpers/tmp.js';
import { recorded, writeCapture, runCli, startServer, readSummary, LOOSE_GATE } from '../helpers/replay-fixtures.js';
import { diffResponses } from '../../src/replay/compare/response-diff.js';
import { compileRules } from '../../src/replay/compare/rules.js';
import { pathMatcher } from '../../src/replay/compare/json-diff.js';

const dir = tempDir('shadowtap-compare-');
const json = (v: unknown, headers: { name: string; value: string }[] = []): { status: number; headers: typeof headers; body: Buffer } => ({ status: 200, headers: [{ name: 'Content-Type', value: 'application/json' }, ...headers], body: Buffer.from(JSON.stringify(v)) });

describe('response comparison', () => {
  const rules = compileRules();

  it('JSON is compared structurally, by field path', () => {
    const a = json({ user: { id: 7, name: 'Ann', tags: ['a', 'b'] }, total: 3 });
    const b = json({ total: 3, user: { tags: ['a', 'c'], name: 'Bob', id: 7 } });
    expect(diffResponses(a, b, rules)).toEqual([
      { field: 'body:$.user.name', expected: '"Ann"', actual: '"Bob"' },
      { field: 'body:$.user.tags[1]', expected: '"b"', actual: '"c"' },
    ]);
  });

  it('ignore rules by JSON path (with wildcards) or regex; array order optionally ignored', () => {
    const a = json({ items: [{ id: 1, ts: 5 }, { id: 2, ts: 6 }], meta: { at: 1 } });
    const b = json({ items: [{ id: 2, ts: 9 }, { id: 1, ts: 8 }], meta: { at: 2 } });
    expect(diffResponses(a, b, compileRules({ ignorePaths: ['items[*].ts', '$.meta'], ignoreArrayOrder: true }))).toEqual([]);
    expect(diffResponses(a, b, compileRules({ ignoreRegex: ['\\.ts$', 'meta'] })).map((d) => d.field)).toEqual(['body:$.items[0].id', 'body:$.items[1].id']);
    expect(pathMatcher(['$["odd key"].x'])('$["odd key"].x.y')).toBe(true);
  });

  it('gzip, br and deflate bodies are compared decoded', () => {
    const plain = json({ a: 1 });
    for (const [enc, f] of [['gzip', gzipSync], ['br', brotliCompressSync], ['deflate', deflateSync]] as const) {
      const packed = { ...plain, headers: [...plain.headers, { name: 'Content-Encoding', value: enc }], body: f(plain.body) };
      expect(diffResponses(plain, packed, rules)).toEqual([]);
      expect(diffResponses(plain, { ...packed, body: f(Buffer.from('{"a":2}')) }, rules).map((d) => d.field)).toEqual(['body:$.a']);
    }
  });

  it('status, selected headers and non-JSON bodies', () => {
    const a = { status: 200, headers: [{ name: 'Content-Type', value: 'text/plain' }], body: Buffer.from('hello') };
    const b = { status: 503, headers: [{ name: 'content-type', value: 'text/html' }], body: Buffer.from('oops') };
    expect(diffResponses(a, b, rules).map((d) => d.field)).toEqual(['status', 'header:content-type', 'body']);
  });
});

describe('noise baseline end to end (--primary/--secondary/--candidate)', async () => {
  const user = (name: string) => (_q: unknown, res: import('node:http').ServerResponse) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ user: { id: 1, name }, generatedAt: `${Date.now()}-${Math.random()}` }));
  };
  const capture = await writeCapture(join(dir, 'c.jsonl'), [0, 1, 2, 3, 4, 5].map((i) => recorded(i, i * 5, { target: `/users/${100 + i}` })));

  it('a changed field is reported at its path; a field that differs between primary and secondary is noise', async () => {
    const servers = await Promise.all([startServer(user('Ann')), startServer(user('Ann')), startServer(user('Bob'))]);
    try {
      const summary = join(dir, 'noise.json');
      const results = join(dir, 'noise.jsonl');
      const [p, s, c] = servers.map((x) => x.url);
      const r = await runCli(['replay', capture, '--primary', p!, '--secondary', s!, '--candidate', c!, '--summary', summary, '--results', results, '--fail-on-diff', ...LOOSE_GATE]);
      expect(r.code).toBe(1);
      const d = readSummary(summary).differences!;
      expect(d.mode).toBe('noise');
      const t = d.targets[0]!;
      expect(t).toMatchObject({ url: c, compared: 6, differing: 6, regressions: 6 });
      const name = t.fields.find((f) => f.field === 'body:$.user.name')!;
      expect(name).toMatchObject({ endpoint: 'GET /users/{id}', count: 6, noise: false });
      expect(name.examples[0]).toMatchObject({ expected: '"Ann"', actual: '"Bob"' });
      expect(t.fields.find((f) => f.field === 'body:$.generatedAt')).toMatchObject({ noise: true, noiseCount: 6 });
      const identical = await runCli(['replay', capture, '--primary', p!, '--secondary', s!, '--candidate', s!, '--fail-on-diff', ...LOOSE_GATE]);
      expect(identical.code).toBe(0);
    } finally {
      await Promise.all(servers.map((x) => x.close()));
    }
  });

  it('recorded mode: a gzip response equal to the recorded body once decoded is no difference', async () => {
    const body = { ok: true, list: [1, 2, 3] };
    const gz = await startServer((_q, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Content-Encoding', 'gzip');
      res.end(gzipSync(JSON.stringify(body)));
    });
    try {
      const cap = await writeCapture(join(dir, 'gz.jsonl'), [recorded(0, 0, { responseBody: JSON.stringify(body, null, 2) }), recorded(1, 5, { responseBody: '{"ok":false,"list":[1,2,3]}' })]);
      const summary = join(dir, 'gz.json');
      const r = await runCli(['replay', cap, '-t', gz.url, '--summary', summary, '--fail-on-diff', ...LOOSE_GATE]);
      expect(r.code).toBe(1);
      const t = readSummary(summary).differences!.targets[0]!;
      expect(t).toMatchObject({ compared: 2, differing: 1 });
      expect(t.fields.map((f) => [f.field, f.count])).toEqual([['body:$.ok', 1]]);
    } finally {
      await gz.close();
    }
  });
});
