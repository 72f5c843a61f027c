import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHarHead } from '../../src/io/stdin-head.js';
import { writeHarFile } from '../../src/formats/har-file.js';
import { shadowtap } from '../helpers/capture-tools.js';
import { recorded } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

// A HAR export piped in (`cat x.har | shadowtap cat -`) is read as HAR: stdin has no name to tell it by.

const dir = tempDir('shadowtap-har-stdin-');
const head = (s: string): Buffer => Buffer.from(s);

describe('stdin: a HAR document told from capture lines by its first bytes', () => {
  it.each([
    ['{"log":{"version":"1.2"', true],
    ['\uFEFF{\n    "log": {\n', true],
    ['  {  "log"  :', true],
    ['{', true],
    ['{\n  "version": 1', true],
    ['{"_shadowtap":{"format":"shadowtap-capture"}}\n', false],
    ['{"startedDateTime":"2024-01-01T00:00:00Z","log":1}\n', false],
    ['\x1f\x8b\x08', false],
  ])('%j → %s', (text, har) => {
    expect(isHarHead(head(text))).toBe(har);
  });

  // Spawns dist/cli/main.js: sees this change once dist is rebuilt.
  it('cat - lists a HAR piped in, compact or pretty-printed', async () => {
    const file = join(dir, 'two.har');
    await writeHarFile(file, [recorded(1, 0), recorded(2, 10)]);
    const pretty = JSON.stringify(JSON.parse(readFileSync(file, 'utf8')), null, 4);
    for (const input of [readFileSync(file), Buffer.from(pretty)]) {
      const r = await shadowtap(['cat', '-', '--format', 'json'], { input });
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toContain('/items/1');
      expect(r.stdout).toContain('/items/2');
      expect(r.stdout).not.toContain('skip-invalid');
    }
  });
});
