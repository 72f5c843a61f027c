import { once } from 'node:events';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLineBatches } from '../../src/formats/lines.js';
import { CLI, run, shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-huge-');

/** A gzip capture whose second line is `mib` MiB long (small on disk, huge when read). */
async function longLineCapture(path: string, mib: number): Promise<void> {
  const gz = createGzip();
  const done = once(gz.pipe(createWriteStream(path)), 'close');
  gz.write('{"_shadowtap":{"format":"shadowtap-capture","version":1}}\n{"request":{"url":"');
  const chunk = Buffer.alloc(1 << 20, 'a');
  for (let i = 0; i < mib; i++) if (!gz.write(chunk)) await once(gz, 'drain');
  gz.end('"}}\n');
  await done;
}

describe('inputs that would exhaust memory or hang', () => {
  it('a 300 MiB capture line is refused at 64 MiB, naming file and line, in bounded memory', async () => {
    const file = join(dir, 'long-line.jsonl.gz');
    await longLineCapture(file, 300);
    // GNU time's %M: the CLI's peak RSS in KiB (the whole line held would be ~1 GB).
    const r = await run('/usr/bin/time', ['-f', 'peak-kib %M', process.execPath, CLI, 'cat', file], { timeoutMs: 60_000 });
    expect(r.stderr).toContain(`shadowtap: ${file}:2: line longer than 64 MiB`);
    expect(r.code).toBe(2);
    const peakKiB = Number(/peak-kib (\d+)/.exec(r.stderr)?.[1]);
    expect(peakKiB).toBeLessThan(400 * 1024);
  });

  it('the cap counts the line being joined across chunks, and earlier lines still arrive', async () => {
    async function* chunks(): AsyncGenerator<Buffer> {
      yield Buffer.from('one\ntwo\nthr');
      for (let i = 0; i < 10; i++) yield Buffer.alloc(100, 'e');
      yield Buffer.from('\nfour\n');
    }
    const seen: string[] = [];
    const reading = (async () => {
      for await (const b of readLineBatches(chunks(), { file: 'x.jsonl', maxLineBytes: 500 })) seen.push(...b.lines);
    })();
    await expect(reading).rejects.toThrow('x.jsonl:3: line longer than');
    expect(seen).toEqual(['one', 'two']);
  });

  it('a scenarios.yaml or agent.yaml over 1 MiB is refused before it is parsed', async () => {
    const file = join(dir, 'big.yaml');
    const entry = '  - name: s\n    smoke: false\n';
    writeFileSync(file, `configurations:\n  a:\n    baseUrl: http://127.0.0.1:1\nscenarios:\n${entry.repeat(Math.ceil((13 << 20) / entry.length))}`);
    for (const args of [['run', file], ['agent', '--config', file, '--check']]) {
      const r = await shadowtap(args, { timeoutMs: 20_000 });
      expect(r.stderr).toBe(`shadowtap: ${file}: 13.0 MiB is larger than a configuration file may be (1 MiB); keep large data (captures, bodies) in the files it names\n`);
      expect(r.code).toBe(2);
    }
  });

  it('a YAML alias bomb is refused naming the file, line and alias', async () => {
    const file = join(dir, 'bomb.yaml');
    const rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) rows.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    for (const args of [['run', file], ['agent', '--config', file, '--check'], ['local-elb', '--config', file]]) {
      const r = await shadowtap(args, { timeoutMs: 20_000 });
      expect(r.stderr).toMatch(new RegExp(`^shadowtap: ${file}:3:8: alias \\*b: aliases expand too far`));
      expect(r.code).toBe(2);
    }
  });
});
