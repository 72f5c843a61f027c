import { describe, expect, it } from 'vitest';
import { statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureWriter, readCaptureFile } from '../../src/formats/capture-file.js';
import { InputError } from '../../src/errors.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleExchange } from '../helpers/exchanges.js';

const dir = tempDir();

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('capture file', () => {
  for (const name of ['a.jsonl', 'a.jsonl.gz']) {
    it(`round-trips exchanges losslessly (${name}) with mode 0600`, async () => {
      const path = join(dir, name);
      const input = [0, 1, 2, 3].map((i) => sampleExchange(i));
      input[2]!.response = undefined;
      input[2]!.flags = ['no-response'];
      const w = CaptureWriter.open(path, { source: { test: true } });
      for (const ex of input) await w.write(ex);
      await w.close();
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(await collect(readCaptureFile(path))).toEqual(input);
    });
  }

  it('names file and line of a malformed line, or skips it with skipInvalid', async () => {
    const path = join(dir, 'bad.jsonl');
    const w = CaptureWriter.open(path);
    await w.write(sampleExchange(1));
    await w.close();
    writeFileSync(path, readFileSync(path, 'utf8') + '{"startedDateTime":"x","time":1,"request":{"method":"GET","url":"/","httpVersion":"HTTP/1.1","headers":[{"name":1}]},"response":{"status":200}}\n');
    await expect(collect(readCaptureFile(path))).rejects.toThrow(InputError);
    await expect(collect(readCaptureFile(path))).rejects.toThrow(/bad\.jsonl:3: request\.headers\[0\]\.name/);
    const warnings: string[] = [];
    const got = await collect(readCaptureFile(path, { skipInvalid: true, onWarning: (m) => warnings.push(m) }));
    expect(got).toHaveLength(1);
    expect(warnings[0]).toMatch(/:3:/);
  });

  it('treats a torn last line as a warning, keeping everything before it', async () => {
    const path = join(dir, 'torn.jsonl');
    const w = CaptureWriter.open(path);
    await w.write(sampleExchange(1));
    await w.write(sampleExchange(2));
    await w.close();
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.length - 40));
    const warnings: string[] = [];
    const got = await collect(readCaptureFile(path, { onWarning: (m) => warnings.push(m) }));
    expect(got.map((e) => e.id)).toEqual(['ex-1']);
    expect(warnings[0]).toMatch(/torn\.jsonl:3: last line is incomplete/);
  });
});
