import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-missing-input-');

describe('convert: an input that cannot be read', () => {
  it('exits 2 naming the input, and leaves no output file behind (the source opens before the sink)', async () => {
    const folder = join(dir, 'folder.jsonl');
    mkdirSync(folder);
    const cases: [string, string, RegExp][] = [
      [join(dir, 'missing.jsonl'), join(dir, 'a.har'), /cannot read \(ENOENT\)/],
      [join(dir, 'missing.gor'), join(dir, 'b.jsonl'), /cannot read \(ENOENT\)/],
      [join(dir, 'missing.pcap'), join(dir, 'c.gor'), /cannot read \(ENOENT\)/],
      [folder, join(dir, 'd.jsonl.gz'), /cannot read \(EISDIR/],
      // A directory without a capture's ending: the agent's (or --rotate-size's) directory of files.
      [dir, join(dir, 'e.jsonl'), /a directory, not a capture file; name the files in it \(such as .*\/\*\.jsonl\.gz\)/],
    ];
    for (const [input, output, why] of cases) {
      const r = await shadowtap(['convert', input, output]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(input);
      expect(r.stderr).toMatch(why);
      expect(existsSync(output), output).toBe(false);
    }
  });
});
