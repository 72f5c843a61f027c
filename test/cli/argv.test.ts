import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shadowtap } from '../helpers/capture-tools.js';
import { startEchoServer } from '../helpers/agent-servers.js';
import { tempDir } from '../helpers/tmp.js';

// What the CLI hands a command is what was typed (src/cli/yargs-cli.ts): a lone `-` is stdin or stdout
// for every command's positionals, not only cat's (yargs-parser reads it as an option without a name),
// and a single-value flag given twice is its last value (yargs makes it an array).

const dir = tempDir('shadowtap-argv-');
const PCAP = join(process.cwd(), 'test/io/fixtures/mixed.pcap');
const lines = (s: string): string[] => s.split('\n').filter(Boolean);

describe('the command line as typed', () => {
  it('convert reads a pcap or a capture file from stdin (- input) and writes to stdout (- output)', async () => {
    const file = join(dir, 'from-file.jsonl');
    const fromFile = await shadowtap(['convert', PCAP, file]);
    expect(fromFile.code).toBe(0);
    const [fromStdin, toStdout] = await Promise.all([
      shadowtap(['convert', '-', join(dir, 'from-stdin.jsonl')], { input: readFileSync(PCAP) }),
      shadowtap(['convert', PCAP, '-']),
    ]);
    expect([fromStdin.code, fromStdin.stderr]).toEqual([0, `wrote 20 exchanges to ${join(dir, 'from-stdin.jsonl')}\n`]);
    expect([toStdout.code, toStdout.stderr]).toEqual([0, 'wrote 20 exchanges to stdout\n']);
    // The same exchanges whichever way they came (the header line and each _source name where from).
    const body = (s: string): unknown[] => lines(s).slice(1).map((l) => ({ ...(JSON.parse(l) as object), _source: undefined }));
    expect(body(readFileSync(join(dir, 'from-stdin.jsonl'), 'utf8'))).toEqual(body(readFileSync(file, 'utf8')));
    expect(body(toStdout.stdout)).toEqual(body(readFileSync(file, 'utf8')));
    expect(body(toStdout.stdout)).toHaveLength(20);

    const har = await shadowtap(['convert', '-', join(dir, 'x.har')], { input: readFileSync(file) });
    expect(har.code).toBe(0);
    expect((JSON.parse(readFileSync(join(dir, 'x.har'), 'utf8')) as { log: { entries: unknown[] } }).log.entries).toHaveLength(20);
  });

  it('cat - lists stdin; a - after other inputs is refused, and an error names - as typed', async () => {
    const [alone, after, unknown] = await Promise.all([
      shadowtap(['cat', '-'], { input: readFileSync(PCAP) }),
      shadowtap(['cat', PCAP, PCAP, '-'], { input: readFileSync(PCAP) }),
      shadowtap(['convert', '-', '-', '-']),
    ]);
    expect([alone.code, lines(alone.stdout)]).toEqual([0, lines((await shadowtap(['cat', PCAP])).stdout)]);
    expect([after.code, after.stdout]).toEqual([2, '']);
    expect(after.stderr).toMatch(/- \(stdin\) is read alone/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('shadowtap: Unknown argument: -\nRun with --help for usage.\n');
  });

  it('an unknown command is named as typed, and a - in its place says where - goes', async () => {
    const [dash, typo] = await Promise.all([shadowtap(['-']), shadowtap(['caat', PCAP])]);
    expect([dash.code, dash.stderr]).toEqual([2, 'shadowtap: unknown command -: name a command first, then - where it reads or writes a capture (cat -, convert - out.jsonl)\nRun with --help for usage.\n']);
    expect([typo.code, typo.stderr]).toEqual([2, 'shadowtap: unknown command caat (did you mean cat?)\nRun with --help for usage.\n']);
  });

  it('replay - sends what stdin holds, a pcap as well as a capture file; its report files are not -', async () => {
    const server = await startEchoServer();
    try {
      const file = join(dir, 'replay.jsonl');
      expect((await shadowtap(['convert', PCAP, file])).code).toBe(0);
      for (const input of [readFileSync(PCAP), readFileSync(file)]) {
        const before = server.count();
        const r = await shadowtap(['replay', '-', '-t', server.url, '--speed', '0'], { input });
        expect([r.code, r.stdout]).toEqual([0, expect.stringContaining('requests 20 ')]);
        expect(server.count() - before).toBe(20);
      }
      // Where stdout already carries the report, a file flag given - is refused before anything is sent.
      const before = server.count();
      const refused = await Promise.all(['--summary', '--results', '--junit', '--out'].map((f) => shadowtap(['replay', file, '-t', server.url, f, '-'])));
      for (const [i, f] of ['--summary', '--results', '--junit', '--out'].entries()) {
        expect([refused[i]!.code, refused[i]!.stderr]).toEqual([2, `shadowtap: ${f} -: give a path (stdout carries the command's own report)\n`]);
      }
      expect(server.count()).toBe(before);
    } finally {
      await server.close();
    }
  });

  it('a single-value flag given twice is its last value; a repeatable one keeps every value', async () => {
    const out = join(dir, 'twice.jsonl');
    const twice = await shadowtap(['capture', '--read', join(dir, 'missing.pcap'), '--read', PCAP, '--out', join(dir, 'first.jsonl'), '--out', out]);
    expect(twice.code, twice.stderr).toBe(0);
    expect(lines(readFileSync(out, 'utf8'))).toHaveLength(21);
    expect(existsSync(join(dir, 'first.jsonl'))).toBe(false);
    const both = await shadowtap(['replay', out, '-t', 'http://127.0.0.1:1', '-t', 'http://127.0.0.1:2', '--speed', 'fast', '--speed', '0', '--json', '--quiet']);
    expect((JSON.parse(both.stdout) as { targets: { url: string }[] }).targets.map((t) => t.url)).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:2']);
  });
});
