import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { tempDir } from '../helpers/tmp.js';
import { LOOSE_GATE, readSummary, recorded, runCli, startServer, writeCapture } from '../helpers/replay-fixtures.js';

const dir = tempDir('shadowtap-compare-skipped-');
const answer = (_q: unknown, res: ServerResponse): void => {
  res.setHeader('Content-Type', 'application/json');
  res.end('{"ok":true}');
};

function resultLines(path: string): { id: string; target: number }[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; target: number });
}

/**
 * Noise mode waits for all three targets' answers to a request; a target whose request stage skips it
 * never answers. The stage tells the comparison, which counts the request as not compared, says why,
 * and still writes the other targets' results.
 */
describe('noise mode with a request skipped for one target', async () => {
  const servers = await Promise.all([startServer(answer), startServer(answer), startServer(answer)]);
  afterAll(() => Promise.all(servers.map((s) => s.close())));
  const [p, s, c] = servers.map((x) => x.url) as [string, string, string];
  // r0-r3 are reads, r4 and r5 writes; r3 goes to /skip-me (a plugin skips it).
  const capture = await writeCapture(join(dir, 'c.jsonl'), [
    ...[0, 1, 2].map((i) => recorded(i, i * 5, { target: `/items/${i}` })),
    recorded(3, 15, { target: '/skip-me' }),
    ...[4, 5].map((i) => recorded(i, i * 5, { method: 'POST', target: `/items/${i}`, body: '{}' })),
  ]);
  const open = join(dir, 'open.yaml');
  writeFileSync(open, '{}\n');

  it('a staging writes policy on the candidate: the writes are not compared, and the summary says why', async () => {
    const noWrites = join(dir, 'no-writes.yaml');
    writeFileSync(noWrites, 'writes: false\n');
    const summary = join(dir, 'writes.json');
    const results = join(dir, 'writes.jsonl');
    const r = await runCli(['replay', capture, '--primary', p, '--secondary', s, '--candidate', c, '--staging', open, '--staging', open, '--staging', noWrites, '--summary', summary, '--results', results, ...LOOSE_GATE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const t = readSummary(summary).differences!.targets[0]!;
    expect(t).toMatchObject({ compared: 4, differing: 0 });
    expect(t.notCompared).toEqual({ count: 2, reasons: [{ reason: 'candidate: skipped by the request stage (staging writes policy or plugin)', count: 2 }] });
    expect(r.stdout).toMatch(/not compared 2: candidate: skipped by the request stage/);
    // Primary and secondary answered the writes: their results are written, the candidate has none for them.
    const got = resultLines(results);
    expect(got.filter((g) => g.id === 'r4').map((g) => g.target).sort()).toEqual([0, 1]);
    expect(got).toHaveLength(4 * 3 + 2 * 2);
  });

  it('a plugin request hook (async) returning skip on the primary: that request is not compared', async () => {
    const plugin = join(dir, 'skip.mjs');
    writeFileSync(plugin, "export default { async request(req) { return req.target === '/skip-me' ? 'skip' : req; } };\n");
    const withPlugin = join(dir, 'plugin.yaml');
    writeFileSync(withPlugin, `plugins:\n  - ${plugin}\n`);
    const summary = join(dir, 'plugin.json');
    const results = join(dir, 'plugin.jsonl');
    const r = await runCli(['replay', capture, '--primary', p, '--secondary', s, '--candidate', c, '--staging', withPlugin, '--staging', open, '--staging', open, '--summary', summary, '--results', results, ...LOOSE_GATE]);
    expect(r.code).toBe(0);
    const sum = readSummary(summary);
    expect(sum.staging!.targets[0]!.skipped.plugin).toBe(1);
    expect(sum.differences!.targets[0]).toMatchObject({ compared: 5, notCompared: { count: 1, reasons: [{ reason: 'primary: skipped by the request stage (staging writes policy or plugin)', count: 1 }] } });
    expect(resultLines(results).filter((g) => g.id === 'r3').map((g) => g.target).sort()).toEqual([1, 2]);
  });
});
