import { execFile, execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDirUsable } from '../../src/cli/compile-cache.js';
import { VERSION } from '../../src/version.js';
import { tempDir } from '../helpers/tmp.js';

const CLI = join(process.cwd(), 'dist/cli/main.js');

/** A node with `module.enableCompileCache` (≥ 22.1): this one, or a Node 22 installed for CI or by hand. */
function nodeWithCompileCache(): string | undefined {
  const candidates = [process.execPath, join(process.cwd(), '.ci/node22/node_modules/node/bin/node'), '/tmp/node22/node_modules/node/bin/node'];
  return candidates.find((node) => existsSync(node) && execFileSync(node, ['-p', 'typeof require("module").enableCompileCache'], { encoding: 'utf8' }).trim() === 'function');
}

describe('the compile cache guard (src/cli/compile-cache.ts)', () => {
  it('a temp dir where mkdir answers ENOENT (/proc), EPERM or ENOTDIR is not used; a real one is, its cache directory made', () => {
    const dir = tempDir('shadowtap-cc-');
    expect([cacheDirUsable('/proc/self'), cacheDirUsable('/proc'), cacheDirUsable(join(dir, 'absent'))]).toEqual([false, false, false]);
    const file = join(dir, 'file');
    writeFileSync(file, '');
    expect(cacheDirUsable(file)).toBe(false);
    expect([cacheDirUsable(dir), cacheDirUsable(dir)]).toEqual([true, true]); // made, then already there
    expect(statSync(join(dir, 'node-compile-cache')).isDirectory()).toBe(true);
  });

  // Without such a node the test above is what checks the guard.
  const node = nodeWithCompileCache();
  if (node) it(`--version with TMPDIR=/proc/self on a node with the cache (${node}) answers instead of spinning in node's mkdir`, async () => {
    const r = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: '/proc/self' };
      delete env.NODE_COMPILE_CACHE;
      execFile(node, [CLI, '--version'], { env, timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, signal: err?.signal ?? null, stdout, stderr }));
    });
    expect(r).toEqual({ code: 0, signal: null, stdout: `${VERSION}\n`, stderr: '' });
  });
});
