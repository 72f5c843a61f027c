import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recorded, runCli, startServer, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Every time flag takes a duration, every share a percentage: a bare number keeps its old meaning
 * and prints one deprecation note per flag naming it and what to write; a bad value is exit 2.
 */
describe('units on every flag: bare numbers are deprecated, named, and keep their meaning', () => {
  const dir = tempDir('shadowtap-grammar-units-');
  let server: Awaited<ReturnType<typeof startServer>>;
  let capture: string;
  beforeAll(async () => {
    server = await startServer();
    capture = await writeCapture(join(dir, 'three.jsonl'), [0, 1, 2].map((i) => recorded(i, i)));
  });
  afterAll(() => server.close());

  it('bare numbers: one note per flag on stderr, read as before (ms gates, s durations, % sample, fraction error rate)', async () => {
    const r = await runCli(['replay', capture, '-t', server.url, '--speed', '0', '--quiet', '--max-lag-p99', '1000', '--max-loop-delay', '1000',
      '--duration', '60', '--drain', '5', '--sample', '100', '--max-error-rate', '0.5', '--json']);
    expect(r.code).toBe(0);
    const notes = r.stderr.trim().split('\n').sort();
    expect(notes).toEqual([
      'shadowtap: note: --drain 5: a bare number is read as seconds (deprecated); write 5s',
      'shadowtap: note: --duration 60: a bare number is read as seconds (deprecated); write 60s',
      'shadowtap: note: --max-error-rate 0.5: a bare number is read as a fraction (deprecated); write 50%',
      'shadowtap: note: --max-lag-p99 1000: a bare number is read as milliseconds (deprecated); write 1000ms',
      'shadowtap: note: --max-loop-delay 1000: a bare number is read as milliseconds (deprecated); write 1000ms',
      'shadowtap: note: --sample 100: a bare number is read as a percentage (deprecated); write 100%',
    ]);
    expect(server.received).toHaveLength(3);
  });

  it('with units (and "off" for gates) nothing is noted', async () => {
    const r = await runCli(['replay', capture, '-t', server.url, '--speed', '0', '--quiet', '--max-lag-p99', 'off', '--max-loop-delay', '1s',
      '--duration', '1m', '--drain', '5s', '--sample', '100%', '--max-error-rate', '50%']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it.each([
    [['--max-lag-p99', '10x'], '--max-lag-p99 10x: expected a duration such as 500ms'],
    [['--max-loop-delay', '-5ms'], '--max-loop-delay -5ms: expected a duration'],
    [['--max-error-rate', '150%'], '--max-error-rate 150%: expected a percentage such as 95% or 0.5%, or a fraction from 0 to 1: at most 100%'],
    [['--max-error-rate', '2'], '--max-error-rate 2: expected a percentage'],
  ])('%j is exit 2 naming the flag, before any request', async (flags, message) => {
    const before = server.received.length;
    const r = await runCli(['replay', capture, '-t', server.url, '--quiet', ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(server.received.length).toBe(before);
  });

  it('run takes the same gate grammar', async () => {
    const r = await runCli(['run', join(dir, 'missing.yaml'), '--max-lag-p99', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-lag-p99 soon: expected a duration');
  });
});
