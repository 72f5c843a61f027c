import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write.js';
import type { ReportModel } from '../../src/report/model.js';
import { abScenario, replaySummary, scenariosModel } from '../helpers/report-models.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-report-cli-');
const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', 'report', ...args], { encoding: 'utf8', timeout: 30_000 });

describe('shadowtap report', () => {
  it('renders a summary.json again, with JUnit, and exits with its verdict', async () => {
    const model = scenariosModel();
    const { summary } = await writeReport(join(dir, 'first'), model);
    const r = cli(summary, '--out', join(dir, 'again'), '--junit', join(dir, 'again', 'junit.xml'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(model.exitCode);
    expect(r.stdout).toContain(`verdict: ${model.verdict} (exit ${model.exitCode})`);
    expect(JSON.parse(readFileSync(join(dir, 'again', 'summary.json'), 'utf8'))).toEqual(model);
    expect(readFileSync(join(dir, 'again', 'index.html'), 'utf8')).toBe(readFileSync(join(dir, 'first', 'index.html'), 'utf8'));
    expect(readFileSync(join(dir, 'again', 'junit.xml'), 'utf8')).toContain('<testsuites');
  });

  it('turns a replay --summary file into a report', () => {
    const file = join(dir, 'replay-summary.json');
    writeFileSync(file, JSON.stringify(replaySummary()));
    const r = cli(file, '--out', join(dir, 'replay'));
    expect(r.status).toBe(0);
    const html = readFileSync(join(dir, 'replay', 'index.html'), 'utf8');
    expect(html).toContain('data-table="differences"');
    expect(html).toContain('body:$.user.email');
  });

  it('compares two runs side by side: B worse than A fails with the A/B verdict, the same run passes', async () => {
    const base = scenariosModel();
    const slower = structuredClone(base);
    // "Today's build": every A/B run of build-a as slow as build-b (+30 % work).
    const ab = slower.scenarios[2]!;
    ab.configurations[0]!.phases = structuredClone(abScenario().configurations[1]!.phases);
    await writeReport(join(dir, 'yesterday'), base);
    await writeReport(join(dir, 'today'), slower);
    const r = cli(join(dir, 'yesterday', 'summary.json'), join(dir, 'today', 'summary.json'), '--out', join(dir, 'cmp'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const m = JSON.parse(readFileSync(join(dir, 'cmp', 'summary.json'), 'utf8')) as ReportModel;
    expect(m.title).toBe('today compared with yesterday');
    const cmp = m.scenarios.find((s) => s.name === 'a-b')!.comparisons.filter((c) => c.a.configuration === 'yesterday · build-a');
    expect(cmp.map((c) => [c.metric, c.verdict, c.pass])).toEqual([['p50', 'worse', false], ['p95', 'worse', false], ['p99', 'worse', false], ['errorRate', 'no-significant-difference', true]]);
    expect(cmp[0]!.b.runs).toHaveLength(5);
    const same = m.scenarios.find((s) => s.name === 'a-b')!.comparisons.filter((c) => c.a.configuration === 'yesterday · build-b');
    expect(same.every((c) => c.verdict === 'no-significant-difference' && c.pass)).toBe(true);
    // One run a side (the capacity ramp): intervals are resampled, and said so.
    expect(m.scenarios[0]!.comparisons[0]!.method).toContain('one run a side; bootstrap over its intervals');
    expect(m.scenarios[0]!.comparisons[0]!.method).not.toContain('interleaved');
    const html = readFileSync(join(dir, 'cmp', 'index.html'), 'utf8');
    expect(html).toContain('data-table="comparisons"');
    expect(html).toContain('yesterday · build-a');

    const again = cli(join(dir, 'yesterday', 'summary.json'), join(dir, 'yesterday', 'summary.json'), '--out', join(dir, 'cmp-same'));
    const sameModel = JSON.parse(readFileSync(join(dir, 'cmp-same', 'summary.json'), 'utf8')) as ReportModel;
    expect(sameModel.scenarios.flatMap((s) => s.comparisons).every((c) => c.verdict === 'no-significant-difference')).toBe(true);
    expect(again.status).toBe(0);
  });

  it('compares two replay summaries target by target', () => {
    const file = join(dir, 'replay-a', 'summary.json');
    const other = join(dir, 'replay-b', 'summary.json');
    for (const f of [file, other]) {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, JSON.stringify(replaySummary()));
    }
    const r = cli(file, other, '--out', join(dir, 'replay-cmp'));
    expect(r.stderr).toBe('');
    const m = JSON.parse(readFileSync(join(dir, 'replay-cmp', 'summary.json'), 'utf8')) as ReportModel;
    expect(m.scenarios[0]!.configurations.map((c) => c.name)).toEqual(['replay-a · http://127.0.0.1:42001', 'replay-b · http://127.0.0.1:42001', 'replay-a · http://127.0.0.1:42002', 'replay-b · http://127.0.0.1:42002', 'replay-a · http://127.0.0.1:42003', 'replay-b · http://127.0.0.1:42003']);
    expect(m.scenarios[0]!.comparisons).toHaveLength(12);
  });

  it('names the file and the problem for bad input (exit 2)', () => {
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{"schema": ');
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ hello: 'world' }));
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ schema: 'shadowtap-report/1', title: 't', generatedAt: 'now', verdict: 'pass', reasons: [], scenarios: [{ name: 'x' }] }));
    // A wrong-typed field deep in a summary is named by its path, not met later as a TypeError.
    const nullIntervals = join(dir, 'null-intervals.json');
    const model = scenariosModel();
    (model.scenarios[0]!.configurations[0]!.phases[0]!.stats as { intervals: unknown }).intervals = null;
    writeFileSync(nullIntervals, JSON.stringify(model));
    const stringSide = join(dir, 'string-side.json');
    const ab = scenariosModel();
    const withComparison = ab.scenarios.findIndex((s) => s.comparisons.length);
    (ab.scenarios[withComparison]!.comparisons[0] as { a: unknown }).a = 'A';
    writeFileSync(stringSide, JSON.stringify(ab));
    for (const [file, message] of [
      [notJson, 'not JSON'], [wrong, 'neither a report summary'], [partial, 'kind: missing (expected one of "scenarios"|"replay")'], [join(dir, 'missing.json'), 'cannot read (ENOENT)'],
      [nullIntervals, 'scenarios[0].configurations[0].phases[0].stats.intervals: expected an array'], [stringSide, `scenarios[${withComparison}].comparisons[0].a: expected an object`],
    ] as const) {
      const r = cli(file, '--out', join(dir, 'never'));
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`shadowtap: ${file}: ${message}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
