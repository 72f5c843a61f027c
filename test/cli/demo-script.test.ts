import { copyFileSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

// scripts/demo.mjs in a tree of its own: a package whose "build" writes a dist/cli/main.js that says
// it ran, so the test sees whether the script built and what it ran, without a 1-2 minute tsc build.
const root = tempDir('shadowtap-demo-script-');
mkdirSync(join(root, 'scripts'));
mkdirSync(join(root, 'src'));
copyFileSync('scripts/demo.mjs', join(root, 'scripts', 'demo.mjs'));
writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', private: true, type: 'module', scripts: { build: 'node build.mjs' } }));
writeFileSync(
  join(root, 'build.mjs'),
  "import { mkdirSync, writeFileSync } from 'node:fs';\nmkdirSync('dist/cli', { recursive: true });\nwriteFileSync('dist/cli/main.js', 'console.log(`ran ${process.argv.slice(2).join(\" \")}`);\\n');\nconsole.log('BUILT');\n",
);
writeFileSync(join(root, 'tsconfig.json'), '{}');
writeFileSync(join(root, 'tsconfig.build.json'), '{}');
writeFileSync(join(root, 'src', 'a.ts'), 'export {};\n');

const demo = () => run(process.execPath, [join(root, 'scripts', 'demo.mjs'), '--quiet'], { timeoutMs: 60_000 });
const setTime = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

describe('npm run demo (scripts/demo.mjs)', () => {
  it('builds when dist is missing, not when it is newer than src, again when a source changes', async () => {
    const first = await demo();
    expect(first.stderr).toContain('dist/ is missing; building first');
    expect(first.stdout.trim().split('\n')).toEqual(expect.arrayContaining(['BUILT', 'ran demo --quiet']));
    expect(first.code).toBe(0);

    for (const input of ['src/a.ts', 'tsconfig.json', 'tsconfig.build.json']) setTime(join(root, input), 1_000_000);
    setTime(join(root, 'dist', 'cli', 'main.js'), 2_000_000);
    const fresh = await demo();
    expect(fresh.stdout).toBe('ran demo --quiet\n');
    expect(fresh.stderr).toBe('');
    expect(fresh.code).toBe(0);

    for (const input of ['src/a.ts', 'tsconfig.build.json']) {
      setTime(join(root, 'dist', 'cli', 'main.js'), 2_000_000);
      setTime(join(root, input), 3_000_000);
      const stale = await demo();
      expect(stale.stderr).toContain(`src/ or tsconfig changed since the last build; building first`);
      expect(stale.stdout).toContain('BUILT');
      expect(stale.stdout.trim().split('\n').at(-1)).toBe('ran demo --quiet');
      setTime(join(root, input), 1_000_000);
    }
  });

  it('passes on the exit code of the demo and of a failed build', async () => {
    writeFileSync(join(root, 'dist', 'cli', 'main.js'), 'process.exit(3);\n');
    setTime(join(root, 'dist', 'cli', 'main.js'), 4_000_000);
    expect((await demo()).code).toBe(3);
    rmSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'build.mjs'), 'process.exit(2);\n');
    const failed = await demo();
    expect(failed.code).toBe(2);
    expect(failed.stdout).not.toContain('ran demo');
  });
});
