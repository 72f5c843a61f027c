import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { recorded, writeCapture, runCli, startServer, readSummary, LOOSE_GATE } from '../helpers/replay-fixtures.js';
import { diffResponses } from '../../src/replay/compare/response-diff.js';
import { compileRules } from '../../src/replay/compare/rules.js';

const dir = tempDir('shadowtap-json-numbers-');
const body = (text: string) => ({ status: 200, headers: [{ name: 'Content-Type', value: 'application/json' }], body: Buffer.from(text) });
const diff = (a: string, b: string, ignoreArrayOrder = false) => diffResponses(body(a), body(b), compileRules({ ignoreArrayOrder }));

describe('JSON numbers are compared by decimal value, not as doubles', () => {
  it('integers above 2^53 that round to the same double differ, and are shown as written', () => {
    expect(diff('{"orderId": 9007199254740993}', '{"orderId": 9007199254740992}')).toEqual([
      { field: 'body:$.orderId', expected: '9007199254740993', actual: '9007199254740992' },
    ]);
    expect(diff('{"id": 12345678901234567890}', '{"id": 12345678901234567890}')).toEqual([]);
    // An object example keeps its big numbers exact too.
    expect(diff('{"o": [1, {"id": 9007199254740993}]}', '{"o": [1]}')[0]).toMatchObject({ field: 'body:$.o[1]', expected: '{"id":9007199254740993}' });
  });

  it('long decimals differ where doubles would not; equal values spelled differently are equal', () => {
    expect(diff('{"p": 0.10000000000000000001}', '{"p": 0.1}')).toHaveLength(1);
    expect(diff('{"p": 1.50000000000000000000, "q": 1e2}', '{"p": 1.5, "q": 100.0}')).toEqual([]);
    expect(diff('[9007199254740993, 9007199254740992]', '[9007199254740992, 9007199254740993]', true)).toEqual([]);
  });

  it('strings, nesting, escapes and "__proto__" keys parse as JSON.parse would; invalid JSON is compared as text', () => {
    const doc = '{"__proto__": {"a": "x\\u00e9\\n"}, "big": 98765432109876543210, "t": [true, false, null]}';
    expect(diff(doc, doc)).toEqual([]);
    expect(diff(doc, doc.replace('x\\u00e9', 'y')).map((d) => d.field)).toEqual(['body:$.__proto__.a']);
    expect(diff('{"big": 98765432109876543210,}', '{"big": 98765432109876543211}').map((d) => d.field)).toEqual(['body']);
  });
});

it('replay --fail-on-diff exits 1 on an id above 2^53 that differs in its last digit, and the summary shows both exactly', async () => {
  const server = await startServer((_q, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end('{"orderId": 9007199254740992}');
  });
  try {
    const cap = await writeCapture(join(dir, 'ids.jsonl'), [recorded(0, 0, { responseBody: '{"orderId": 9007199254740993}' })]);
    const summary = join(dir, 'ids.json');
    const r = await runCli(['replay', cap, '-t', server.url, '--summary', summary, '--fail-on-diff', ...LOOSE_GATE]);
    expect(r.code, r.stderr).toBe(1);
    const f = readSummary(summary).differences!.targets[0]!.fields;
    expect(f).toMatchObject([{ field: 'body:$.orderId', examples: [{ expected: '9007199254740993', actual: '9007199254740992' }] }]);
  } finally {
    await server.close();
  }
});
