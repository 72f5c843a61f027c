import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { LOOSE_GATE, readSummary, recorded, runCli, startServer, writeCapture } from '../helpers/replay-fixtures.js';

const dir = tempDir('shadowtap-workers-inputs-');

describe('replay --workers: the input and the progress are the whole run\'s', async () => {
  const target = await startServer();
  afterAll(() => target.close());

  it('input.exchanges counts what was read, and the final progress line what the workers did', async () => {
    const capture = await writeCapture(join(dir, 'five.jsonl'), [0, 1, 2, 3, 4].map((i) => recorded(i, i * 10)));
    const summary = join(dir, 'five.json');
    // LOOSE_GATE's limits without its --quiet: the progress line is what this test reads.
    const r = await runCli(['replay', capture, '-t', target.url, '--workers', '2', '--no-compare', '--summary', summary, '--max-lag-p99', '1s', '--max-loop-delay', '1s']);
    expect(r.code, r.stderr).toBe(0);
    expect(readSummary(summary).input).toEqual({ exchanges: 5, invalid: 0, filtered: 0 });
    // The coordinator sends nothing itself: its progress comes from the workers.
    expect(r.stderr).toMatch(/^replay \S+\s+done 5\b/m);
  });
});

/** Bad inputs of a spread replay are found where a single-process replay finds them: before any worker exists. */
describe('replay --workers: bad inputs are exit 2 before any worker starts', async () => {
  const target = await startServer();
  afterAll(() => target.close());
  const good = await writeCapture(join(dir, 'good.jsonl'), [recorded(0, 0)]);

  it('a missing or unreadable capture file: exit 2 naming the file, no worker forked, no request sent', async () => {
    const folder = join(dir, 'folder.jsonl');
    mkdirSync(folder);
    for (const [capture, why] of [[join(dir, 'missing.jsonl'), /cannot read \(ENOENT\)/], [folder, /cannot read \(EISDIR/]] as const) {
      const r = await runCli(['replay', good, capture, '-t', target.url, '--workers', '2', '--no-compare', ...LOOSE_GATE]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(capture);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).not.toMatch(/worker \d+ of \d+|clock skew/); // what a started worker logs
    }
    expect(target.received).toHaveLength(0);
  });

  it('a malformed or unreachable --coordinator redis:// URL: exit 2 naming it', async () => {
    for (const url of ['redis://127.0.0.1:99999', 'redis://127.0.0.1:1']) {
      const r = await runCli(['replay', good, '-t', target.url, '--workers', '2', '--coordinator', url, '--no-compare', ...LOOSE_GATE]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`--coordinator ${url}:`);
      expect(r.stderr).not.toMatch(/client is closed/i);
    }
    expect(target.received).toHaveLength(0);
  });
});
