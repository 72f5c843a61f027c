import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { recorded, runCli, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** `cat` tsv: the machine form on pipes (unchanged), a human form on a terminal or with --human. */
describe('cat --human: header, ISO time, latency in ms', () => {
  const dir = tempDir('shadowtap-cat-human-');
  let capture: string;
  beforeAll(async () => {
    capture = await writeCapture(join(dir, 'two.jsonl'), [recorded(0, 0), recorded(1, 1.5)]);
  });

  it('a pipe gets the machine form: no header, epoch µs, latency µs', async () => {
    const r = await runCli(['cat', capture]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1700000000000000\tGET\t/items/0\t200\t1000\n1700000000001500\tGET\t/items/1\t200\t1000\n');
  });

  it('--human on a pipe: a header, then ISO time to the µs, method, status, ms, target', async () => {
    const r = await runCli(['cat', capture, '--human']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^time \(UTC\)\s+method\s+status\s+latency\s+target$/);
    expect(lines[1]).toMatch(/^2023-11-14T22:13:20\.000000Z\s+GET\s+200\s+1\.000 ms\s+\/items\/0$/);
    expect(lines[2]).toMatch(/^2023-11-14T22:13:20\.001500Z\s+GET\s+200\s+1\.000 ms\s+\/items\/1$/);
    expect(lines[3]).toBe('');
  });

  it('a terminal gets the human form by default, --no-human the machine form', () => {
    // script(1) gives the command a pseudo-terminal as stdout.
    const onTty = (extra: string): string => spawnSync('script', ['-qec', `${process.execPath} ${CLI} cat ${capture} ${extra}`, '/dev/null'], { encoding: 'utf8', timeout: 30_000 }).stdout.replace(/\r/g, '');
    expect(onTty('')).toContain('time (UTC)');
    expect(onTty('')).toContain('2023-11-14T22:13:20.001500Z');
    expect(onTty('--no-human')).toContain('1700000000001500\tGET\t/items/1\t200\t1000');
    expect(onTty('--no-human')).not.toContain('time (UTC)');
  });
});
