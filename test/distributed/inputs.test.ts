import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { LOOSE_GATE, recorded, runCli, startServer, writeCapture } from '../helpers/replay-fixtures.js';

const dir = tempDir('shadowtap-workers-inputs-');

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
