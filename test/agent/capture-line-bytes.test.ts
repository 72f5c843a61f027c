import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/exchange.js';
import { CaptureWriter } from '../../src/formats/capture-file.js';
import { toHarEntry } from '../../src/formats/har-entry.js';
import { exchange } from './exchange-arbitrary.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-line-bytes-');

describe('capture writer lines', () => {
  it('are byte for byte JSON.stringify(toHarEntry(exchange)), one per line, also across batch buffers', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(exchange, { minLength: 1, maxLength: 30 }), async (exs) => {
        const path = join(dir, `lines-${run++}.jsonl`);
        const w = CaptureWriter.open(path, { redaction: { enabled: false } }); // the line format itself, not redaction
        for (const ex of exs) await w.write(ex);
        await w.close();
        const lines = readFileSync(path, 'utf8').split('\n');
        expect(lines.pop()).toBe('');
        expect(lines.slice(1)).toEqual(exs.map((ex) => JSON.stringify(toHarEntry(ex))));
      }),
      { numRuns: 60 },
    );
  });

  it('an exchange that cannot be written is rejected and leaves no partial line behind', async () => {
    const path = join(dir, 'rejected.jsonl');
    const w = CaptureWriter.open(path, { redaction: { enabled: false } }); // the line format itself, not redaction
    const good = fc.sample(exchange, { numRuns: 2, seed: 7 });
    await w.write(good[0]!);
    const bad: Exchange = { ...good[1]!, timing: { requestStartUs: NaN, requestEndUs: NaN } };
    await expect(w.write(bad)).rejects.toThrow(RangeError);
    await w.write(good[1]!);
    await w.close();
    const lines = readFileSync(path, 'utf8').split('\n').slice(1, -1);
    expect(lines).toEqual(good.map((ex) => JSON.stringify(toHarEntry(ex))));
  });

  it('a batch with an exchange that cannot be written keeps the lines before it, and no partial line', async () => {
    const path = join(dir, 'rejected-batch.jsonl');
    const w = CaptureWriter.open(path, { redaction: { enabled: false } });
    const good = fc.sample(exchange, { numRuns: 3, seed: 11 });
    const bad: Exchange = { ...good[1]!, timing: { requestStartUs: NaN, requestEndUs: NaN } };
    await expect(w.writeBatch([good[0]!, bad, good[1]!])).rejects.toThrow(RangeError);
    await w.writeBatch([good[2]!]);
    await w.close();
    const lines = readFileSync(path, 'utf8').split('\n').slice(1, -1);
    expect(lines).toEqual([good[0]!, good[2]!].map((ex) => JSON.stringify(toHarEntry(ex))));
    expect(w.count).toBe(2);
  });
});
