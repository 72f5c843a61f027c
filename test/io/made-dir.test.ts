import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { madeDir } from '../../src/io/made-dir.js';
import { output as rotating } from '../../src/io/outputs/rotating.js';
import { REDACT_ALL } from '../../src/stages/redact/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-made-dir-');

describe('making an output directory', () => {
  it('makes every missing level with mode 0700, and accepts one that exists', async () => {
    const deep = join(dir, 'a', 'b', 'c');
    await madeDir(deep);
    await madeDir(deep);
    for (const d of [join(dir, 'a'), deep]) expect(statSync(d).mode & 0o777).toBe(0o700);
  });

  it('a file in the way is ENOTDIR', async () => {
    writeFileSync(join(dir, 'file'), '');
    await expect(madeDir(join(dir, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  // Node 20's mkdir({ recursive: true }) spins at full CPU for ever here; the test's timeout is the hang.
  it.runIf(process.platform === 'linux')('under /proc it fails instead of spinning, for rotating files too', { timeout: 10_000 }, async () => {
    await expect(madeDir('/proc/shadowtap-no/such')).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    await expect(rotating.open('/proc/shadowtap-no/such', { redaction: REDACT_ALL, rotation: { blocking: true } })).rejects.toThrow(/^\/proc\/shadowtap-no\/such: cannot write rotating files there \(E[A-Z]+\)$/);
  });
});
