import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, runCli } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

/** Live capture (real tcpdump on lo): progress with --progress from the start, tcpdump's kernel drops as they come. */
describe('capture progress', () => {
  const dir = tempDir('shadowtap-capture-progress-');

  it('--progress on a pipe: a line as soon as tcpdump listens (0s), before the summary with the counts of tcpdump', async () => {
    const port = await freePort();
    const r = await runCli(['capture', '-i', 'lo', '-p', String(port), '--duration', '2s', '--progress', '--out', join(dir, 'a.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    const first = lines.findIndex((l) => /^capture \d+s: packets \d+, flows \d+, exchanges written \d+, gaps \d+/.test(l));
    expect(first, r.stderr).toBeGreaterThanOrEqual(0);
    expect(lines[first]).toMatch(/^capture 0s:/);
    const summary = lines.findIndex((l) => /^tcpdump: \d+ packets captured, drops: 0 dropped by kernel/.test(l));
    expect(summary).toBeGreaterThan(first);
  });

  it('without --progress on a pipe: no progress lines, the summary only', async () => {
    const port = await freePort();
    const r = await runCli(['capture', '-i', 'lo', '-p', String(port), '--duration', '1s', '--out', join(dir, 'b.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/^capture \d+s:/m);
    expect(r.stderr).toMatch(/tcpdump: \d+ packets captured, drops: 0 dropped by kernel/);
  });
});
