import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReplayArgs } from '../../src/cli/replay-checks.js';
import { replayCommand } from '../../src/cli/commands/replay.js';
import { recorded, startServer, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { replayArgv } from '../replay/replay-argv.js';

// What `replay` refuses from its arguments before an input is read or a request sent (exit 2, the flag named).

const dir = tempDir('shadowtap-replay-checks-');
const afile = join(dir, 'afile');
writeFileSync(afile, 'x');
const refused = async (flags: string[]): Promise<string> => {
  const err = await checkReplayArgs(await replayArgv(['c.jsonl'], ['-t', 'http://127.0.0.1:9', ...flags])).then(() => undefined, (e: Error) => e);
  return err === undefined ? 'accepted' : `${err.constructor.name}: ${err.message}`;
};

describe('replay: one timing per run', () => {
  it.each([
    [['--speed', '2', '--rate', '10'], 'InputError: --speed and --rate cannot be combined'],
    [['--rate', '10', '--ramp', '1:5:1s'], 'InputError: --rate and --ramp cannot be combined'],
    [['--speed', '0', '--ramp', '1:5:1s'], 'InputError: --speed and --ramp cannot be combined'],
    [['--poisson'], 'InputError: --poisson needs --rate'],
    [['--poisson', '--speed', '2'], 'InputError: --poisson needs --rate'],
  ])('%j is refused, naming both', async (flags, message) => {
    expect(await refused(flags)).toContain(message);
  });

  it.each([[[]], [['--speed', '1']], [['--rate', '10', '--poisson']], [['--ramp', '1:5:1s']]])('%j is one timing', async (flags) => {
    expect(await refused(flags)).toBe('accepted');
  });
});

describe('replay: header flags are checked before the run', () => {
  it.each([['bad header'], ['X-A:'], ['Ä'], ['']])('--tag-header %j is not a header name', async (name) => {
    expect(await refused(['--tag-header', name])).toMatch(/^InputError: --tag-header/);
  });

  it('--tag-header X-Replay-Id is', async () => {
    expect(await refused(['--tag-header', 'X-Replay-Id'])).toBe('accepted');
  });
});

describe('replay: output paths are checked before any request is sent', () => {
  it.each([
    ['--summary', join(afile, 's.json'), 'ENOTDIR'],
    ['--results', join(afile, 'r.jsonl'), 'ENOTDIR'],
    ['--junit', join(afile, 'j.xml'), 'ENOTDIR'],
    ['--out', join(afile, 'sub'), 'ENOTDIR'],
    ['--out', afile, 'ENOTDIR'],
    ['--summary', dir, 'EISDIR'],
  ])('%s %s: exit 2 naming the flag (%s)', async (flag, path, code) => {
    expect(await refused([flag, path])).toBe(`InputError: ${flag} ${path}: cannot write (${code})`);
  });

  it('every file output makes its missing parent directories alike (0700), and writes nothing yet', async () => {
    const flags = ['summary', 'results', 'junit'].flatMap((f) => [`--${f}`, join(dir, `new-${f}`, 'deeper', `${f}.out`)]);
    expect(await refused([...flags, '--out', join(dir, 'new-out', 'report')])).toBe('accepted');
    for (const f of ['summary', 'results', 'junit']) {
      const made = statSync(join(dir, `new-${f}`, 'deeper'));
      expect([made.isDirectory(), made.mode & 0o777]).toEqual([true, 0o700]);
      expect(existsSync(join(dir, `new-${f}`, 'deeper', `${f}.out`))).toBe(false);
    }
    expect(statSync(join(dir, 'new-out', 'report')).isDirectory()).toBe(true);
  });

  it('a directory whose parent exists but refuses children (/proc) is refused, not retried for ever', async () => {
    expect(await refused(['--out', '/proc/shadowtap-x'])).toMatch(/^InputError: --out \/proc\/shadowtap-x: cannot write \(E/);
  });

  describe('through the command', () => {
    let server: Awaited<ReturnType<typeof startServer>>;
    beforeAll(async () => {
      server = await startServer();
    });
    afterAll(() => server.close());

    it('an unwritable --summary fails before the target sees a request', async () => {
      const capture = await writeCapture(join(dir, 'c.jsonl'), [recorded(1, 0), recorded(2, 10)]);
      const args = await replayArgv([capture], ['-t', server.url, '--quiet', '--summary', join(afile, 's.json')]);
      await expect(replayCommand.handler(args as Parameters<typeof replayCommand.handler>[0])).rejects.toThrow(`--summary ${join(afile, 's.json')}: cannot write (ENOTDIR)`);
      expect(server.received).toHaveLength(0);
    });
  });
});
