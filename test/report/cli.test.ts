import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write.js';
import { replaySummary, scenariosModel } from '../helpers/report-models.js';
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

  it('names the file and the problem for bad input (exit 2)', () => {
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{"schema": ');
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ hello: 'world' }));
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ schema: 'shadowtap-report/1', title: 't', generatedAt: 'now', verdict: 'pass', reasons: [], scenarios: [{ name: 'x' }] }));
    for (const [file, message] of [[notJson, 'not JSON'], [wrong, 'neither a report summary'], [partial, 'scenarios[0] needs name, configurations[]'], [join(dir, 'missing.json'), 'cannot read (ENOENT)']] as const) {
      const r = cli(file, '--out', join(dir, 'never'));
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`shadowtap: ${file}: ${message}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
