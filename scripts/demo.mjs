#!/usr/bin/env node
// `npm run demo`: builds dist/ when it is missing (`npm ci` does not build: the packed tarball must carry
// no install script) or older than a source file or the compiler settings, then runs `shadowtap demo`
// with the arguments given.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');

const mtime = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs;

/** The newest modification time of the files under dir (bounded by the tree itself; no links followed). */
function newest(dir) {
  let max = -Infinity;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) max = Math.max(max, mtime(join(e.parentPath ?? e.path, e.name)) ?? -Infinity);
  }
  return max;
}

const built = mtime(cli);
const sources = Math.max(newest(join(root, 'src')), mtime(join(root, 'tsconfig.json')) ?? -Infinity, mtime(join(root, 'tsconfig.build.json')) ?? -Infinity);
if (built === undefined || built < sources) {
  process.stderr.write(`demo: ${built === undefined ? 'dist/ is missing' : 'src/ or tsconfig changed since the last build'}; building first\n`);
  const npm = process.env.npm_execpath;
  const build = npm ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' }) : spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const demo = spawnSync(process.execPath, [cli, 'demo', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(demo.status ?? 1);
