import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSummary, recorded, runCli, startServer, writeCapture, LOOSE_GATE } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-workers-compare-');
const N = 40;
const json = (res: import('node:http').ServerResponse, body: string): void => (res.setHeader('content-type', 'application/json'), res.end(body), undefined);
let same: Awaited<ReturnType<typeof startServer>>;
let odd: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  // One target answers as recorded; the other differs in the body of every even item.
  same = await startServer((_q, s) => json(s, '{}'));
  odd = await startServer((q, s) => json(s, Number(q.url!.split('/').pop()) % 2 === 0 ? '{"v":2}' : '{}'));
});
afterAll(async () => Promise.all([same.close(), odd.close()]));

describe('replay --workers with response comparison and --results', () => {
  it('two targets over 2 workers: differences tallied as one process would, --results holds every request × target once', async () => {
    const capture = await writeCapture(join(dir, 'c.jsonl'), Array.from({ length: N }, (_, i) => recorded(i, i, { headers: [{ name: 'Host', value: 'prod.example' }, { name: 'x-forwarded-for', value: `10.0.0.${i}` }] })));
    const summary = join(dir, 's.json');
    const results = join(dir, 'results.jsonl');
    const r = await runCli(['replay', capture, '-t', same.url, '-t', odd.url, '--speed', '0', '--workers', '2', '--summary', summary, '--results', results, ...LOOSE_GATE]);
    expect(r.code, r.stderr).toBe(0);
    const s = readSummary(summary);
    expect(s.workers!.map((w) => w.requests).reduce((a, b) => a + b)).toBe(N);
    expect(s.workers!.every((w) => w.requests > 0)).toBe(true); // both workers had a share to compare
    const [a, b] = s.differences!.targets;
    expect([a!.compared, a!.differing]).toEqual([N, 0]);
    expect([b!.compared, b!.differing]).toEqual([N, N / 2]);
    expect(b!.fields.map((f) => [f.field, f.count])).toEqual([['body:$.v', N / 2]]);
    const lines = readFileSync(results, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; target: number; diff?: string[] });
    const keys = lines.map((l) => `${l.id}@${l.target}`).sort();
    expect(keys).toEqual([...new Set(keys)]);
    expect(keys).toHaveLength(2 * N);
    expect(lines.filter((l) => l.target === 1 && l.diff?.length).length).toBe(N / 2);
  }, 60_000);
});
