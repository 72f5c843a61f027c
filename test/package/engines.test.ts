import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// npm checks every locked package's `engines` against the running Node; a dry run does that without
// network and without touching any node_modules, so it prints what `npm ci` would print here.
it('npm ci installs the locked tree on this Node without an EBADENGINE warning', () => {
  const dir = tempDir('shadowtap-engines-');
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, f), join(dir, f));
  const r = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/added \d+ packages/);
  expect(r.stderr).not.toMatch(/EBADENGINE/);
});
