import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recorded, runCli, startServer, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const GATES = ['--max-lag-p99', 'off', '--max-loop-delay', 'off'];
const LINE = /^replay \d+s {2}done (\d+)\/(\d+) \((\d+)%\) {2}\d+\/s {2}p50 [\d.]+m?s p99 [\d.]+m?s {2}errors (\d+)$/;

/** replay's progress line: done/total (%), rate, p50/p99, errors, ETA — one final line on a pipe, periodic with --progress. */
describe('replay progress on stderr', () => {
  const dir = tempDir('shadowtap-progress-');
  let server: Awaited<ReturnType<typeof startServer>>;
  let capture: string;
  beforeAll(async () => {
    server = await startServer();
    capture = await writeCapture(join(dir, 'ten.jsonl'), Array.from({ length: 10 }, (_, i) => recorded(i, i)));
  });
  afterAll(() => server.close());

  it('piped: exactly one final line with the totals from --max-requests', async () => {
    const r = await runCli(['replay', capture, '-t', server.url, '--rate', '40', '--loop', 'forever', '--max-requests', '30', '--no-compare', ...GATES]);
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const m = LINE.exec(lines[0]!);
    expect(m, lines[0]).not.toBeNull();
    expect(m!.slice(1, 5)).toEqual(['30', '30', '100', '0']);
  });

  it('--progress: a line at once (within the first second), more as it goes, then the final one', async () => {
    const r = await runCli(['replay', capture, '-t', server.url, '--rate', '20', '--loop', 'forever', '--duration', '2500ms', '--no-compare', '--progress', ...GATES]);
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/^replay 0s {2}done \d+ \(\d+%\) {2}\d+\/s/);
    expect(lines[0]).toMatch(/ETA \d+s$/);
    expect(lines.at(-1)).toMatch(/^replay \d+s {2}done \d+ {2}\d+\/s {2}p50 [\d.]+m?s p99 [\d.]+m?s {2}errors 0$/);
  });
});
