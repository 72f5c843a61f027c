import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { SRC, sources } from '../helpers/src-files.js';
import { describe, expect, it } from 'vitest';

/**
 * Settings at the edge (docs/ARCHITECTURE.md): SHADOWTAP_* variables are read once, in
 * config/settings.ts, and passed down. The environment is read nowhere else but where a variable is
 * named on purpose or belongs to another tool; each such file is listed here with why, so a new deep
 * read fails this test.
 */
const READS_ENV: Record<string, string> = {
  'config/settings.ts': 'every SHADOWTAP_* variable',
  'aws/client.ts': "the AWS SDK's own variables (AWS_REGION, AWS_MAX_ATTEMPTS, AWS_RETRY_MODE), and silencing its Node-version warning",
  'aws/command.ts': "a drain command given by the user runs with shadowtap's environment",
  'scenarios/processes.ts': "processes a scenario starts inherit shadowtap's environment",
  'scenarios/load.ts': '${VAR} in scenarios.yaml names a variable on purpose',
  'scenarios/run-file.ts': '${VAR} in scenarios.yaml names a variable on purpose',
  'replay/staging/secret-ref.ts': 'env:NAME names a variable on purpose',
  'cli/yargs-factory.ts': "yargs' platform shim: its own variables (LANG/LC_ALL for its messages, YARGS_DISABLE_WRAP, SHELL)",
  'replay/dispatch/proxy-env.ts': 'HTTP_PROXY / HTTPS_PROXY / NO_PROXY for --env-proxy (known gap: read where used, not passed down)',
};


describe('settings at the edge', () => {
  const reading = [...sources(SRC)].filter((f) => /\bprocess\.env\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
  it('only the listed files read process.env', () => {
    expect(reading.filter((f) => !(f in READS_ENV))).toEqual([]);
  });
  it('every listed file still reads it (remove an entry once its read is gone)', () => {
    expect(Object.keys(READS_ENV).filter((f) => !reading.includes(f))).toEqual([]);
  });
});
