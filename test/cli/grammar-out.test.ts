import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOSE_GATE, recorded, runCli, startServer, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

/** One spelling for the output folder (`--out`) on every command; the old `--report` works but is not in --help. */
describe('--out is the output folder everywhere; --report is a hidden old spelling', () => {
  const dir = tempDir('shadowtap-grammar-out-');
  let server: Awaited<ReturnType<typeof startServer>>;
  let capture: string;
  beforeAll(async () => {
    server = await startServer();
    capture = await writeCapture(join(dir, 'two.jsonl'), [recorded(0, 0), recorded(1, 5)]);
  });
  afterAll(() => server.close());

  it.each(['replay', 'run', 'demo', 'report'])('%s --help lists --out and not --report', async (cmd) => {
    const r = await runCli([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+--out\b/m);
    expect(r.stdout).not.toMatch(/^\s+--report\b/m);
  });

  it.each([['--out'], ['--report']])('replay %s DIR writes DIR/index.html', async (spelling) => {
    const out = join(dir, `replay${spelling}`);
    const r = await runCli(['replay', capture, '-t', server.url, '--speed', '0', spelling, out, ...LOOSE_GATE]);
    expect(r.stderr).toContain(`report: ${join(out, 'index.html')}`);
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });

  it.each([['--out'], ['--report']])('run %s DIR writes DIR/index.html (and report re-renders it with --out)', async (spelling) => {
    const yaml = join(dir, `s${spelling}.yaml`);
    writeFileSync(yaml, `configurations:\n  a:\n    baseUrl: ${server.url}\nscenarios:\n  - name: short\n    smoke: false\n    requests: [{ path: / }]\n    load: [{ rate: 20, duration: 500ms }]\n`);
    const out = join(dir, `run${spelling}`);
    const r = await runCli(['run', yaml, spelling, out, '--quiet', '--max-lag-p99', '1s', '--max-loop-delay', '1s']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    const again = join(dir, `again${spelling}`);
    const rr = await runCli(['report', join(out, 'summary.json'), '--out', again]);
    expect(rr.code).toBe(0);
    expect(existsSync(join(again, 'index.html'))).toBe(true);
  });
});
