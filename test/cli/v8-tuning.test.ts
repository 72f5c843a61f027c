import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { v8TuningFor } from '../../src/cli/v8-tuning.js';
import { CLI, run } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-v8-tuning-');
const PCAP = join(process.cwd(), 'test/io/fixtures/mixed.pcap');

/**
 * A CLI run, with every module load and every V8 flag change written to stderr in order: the hook
 * wraps node:v8's setFlagsFromString (which still applies the flags) before the CLI starts.
 */
async function traced(env: Record<string, string> = {}): Promise<{ code: number | null; events: string[] }> {
  writeFileSync(join(dir, 'hooks.mjs'), "import { writeSync } from 'node:fs';\nexport async function load(url, ctx, next) { writeSync(2, `LOADED ${url}\\n`); return next(url, ctx); }\n");
  writeFileSync(
    join(dir, 'register.mjs'),
    [
      "import { register, syncBuiltinESMExports } from 'node:module';",
      "import { writeSync } from 'node:fs';",
      "import v8 from 'node:v8';",
      'const set = v8.setFlagsFromString;',
      'v8.setFlagsFromString = (flags) => { writeSync(2, `V8FLAGS ${flags}\\n`); set(flags); };',
      'syncBuiltinESMExports();',
      "register('./hooks.mjs', import.meta.url);",
      '',
    ].join('\n'),
  );
  const r = await run(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, CLI, 'cat', PCAP], { timeoutMs: 30_000, env });
  const events = [...r.stderr.matchAll(/^(V8FLAGS .*|LOADED .*\/dist\/([\w/-]+)\.js)$/gm)].map((m) => (m[2] === undefined ? m[1]! : m[2]));
  return { code: r.code, events };
}

describe('V8 tuning (cli/v8-tuning.ts)', () => {
  it('is the inlining budget on Node 20 only, where it was measured to pay', () => {
    expect(v8TuningFor('20.20.2')).toBe('--max-inlined-bytecode-size-cumulative=460');
    expect(v8TuningFor('22.23.3')).toBeUndefined();
    expect(v8TuningFor('2.0.0')).toBeUndefined();
  });

  it('a started CLI sets it once, after its parser loads and before the command\'s modules do', async () => {
    const { code, events } = await traced();
    expect(code).toBe(0);
    const expected = v8TuningFor(process.versions.node);
    const sets = events.filter((e) => e.startsWith('V8FLAGS '));
    expect(sets).toEqual(expected === undefined ? [] : [`V8FLAGS ${expected}`]);
    if (expected === undefined) return;
    const at = events.indexOf(sets[0]!);
    expect(events.indexOf('cli/yargs-cli')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('cli/yargs-cli')).toBeLessThan(at);
    expect(events.indexOf('cli/commands/cat')).toBeGreaterThan(at);
  });

  it('SHADOWTAP_V8_TUNING=0 leaves V8\'s defaults', async () => {
    const { code, events } = await traced({ SHADOWTAP_V8_TUNING: '0' });
    expect(code).toBe(0);
    expect(events.filter((e) => e.startsWith('V8FLAGS '))).toEqual([]);
  });
});
