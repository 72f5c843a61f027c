import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const exec = promisify(execFile);

describe('the shipped scenarios.yaml', () => {
  it('runs from a copy in another directory: its start commands find the sample service there too', async () => {
    const dir = tempDir('shadowtap-copied-scenarios-');
    copyFileSync('scenarios.yaml', join(dir, 'scenarios.yaml'));
    // cwd is the copy's directory, which holds no dist/; PATH holds no shadowtap.
    const r = await exec(process.execPath, [CLI, 'run', 'scenarios.yaml', '--only', 'smoke', '--quiet', '--report', 'report'], {
      cwd: dir,
      timeout: 60_000,
      env: { ...process.env, PATH: '/usr/bin:/bin' },
    }).catch((err: { code: number; stdout: string; stderr: string }) => err);
    expect(r.stderr).not.toContain('MODULE_NOT_FOUND');
    expect('code' in r ? r.code : 0, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/failfast/);
    expect(r.stdout).toMatch(/queueing/);
  });
});
