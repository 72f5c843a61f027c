import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { INPUTS, OUTPUTS, pick, schemeOf } from '../../src/io/registry.js';
import { shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleExchange } from '../helpers/exchanges.js';
import { writeExchanges } from '../../src/io/open.js';

const dir = tempDir('shadowtap-registry-');

describe('io registry: by URL scheme, extension, magic or flag', () => {
  it('picks by extension, by stdin magic, and by the kind a flag names', async () => {
    expect(pick(INPUTS, 'a.jsonl.gz', 'input').kind).toBe('jsonl');
    expect(pick(INPUTS, 'A.HAR', 'input').kind).toBe('har');
    expect(pick(INPUTS, 'x.pcapng.gz', 'input').kind).toBe('pcap');
    expect(pick(INPUTS, '-', 'input', undefined, Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0])).kind).toBe('pcap');
    expect(pick(INPUTS, '-', 'input', undefined, Buffer.from('{"_shadowtap":{}}\n')).kind).toBe('jsonl');
    expect(pick(INPUTS, 'eth0', 'input', 'live').kind).toBe('live');
    expect(pick(OUTPUTS, 'out.gor', 'output').kind).toBe('gor');
    expect(pick(OUTPUTS, '-', 'output', 'tsv').kind).toBe('tsv');
    expect(schemeOf('rediss://h:6380/s')).toBe('rediss');
    expect(schemeOf('C:\\x.jsonl')).toBeUndefined();
  });

  it('an unknown scheme, extension or kind is an InputError naming it', () => {
    expect(() => pick(INPUTS, 'nosuch://h/x', 'input')).toThrow(InputError);
    expect(() => pick(INPUTS, 'nosuch://h/x', 'input')).toThrow(/nosuch:\/\/h\/x: unknown URL scheme nosuch:\/\//);
    expect(() => pick(INPUTS, 'traffic.txt', 'input')).toThrow(/traffic\.txt: unknown file type/);
    expect(() => pick(OUTPUTS, 'out.pcap', 'output')).toThrow(/out\.pcap: shadowtap does not write pcap/);
    expect(() => pick(OUTPUTS, 'x', 'output', 'nope')).toThrow(/no output of kind nope/);
  });

  it('the CLI exits 2 naming an unknown scheme or extension, and creates no output', async () => {
    const input = join(dir, 'in.jsonl');
    expect(await writeExchanges(input, [sampleExchange(1)])).toBe(1);
    const cases: [string[], string][] = [
      [['convert', input, 'nosuch://h/stream'], 'nosuch://h/stream'],
      [['convert', 'nosuch://h/stream', join(dir, 'o.jsonl')], 'nosuch://h/stream'],
      [['convert', input, join(dir, 'out.xyz')], 'out.xyz'],
      [['cat', join(dir, 'in.xyz')], 'in.xyz'],
    ];
    for (const [args, named] of cases) {
      const r = await shadowtap(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(named);
    }
    expect(existsSync(join(dir, 'o.jsonl'))).toBe(false);
    expect(existsSync(join(dir, 'out.xyz'))).toBe(false);
  });
});
