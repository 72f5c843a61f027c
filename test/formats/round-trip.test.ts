import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureWriter, readCaptureFile } from '../../src/formats/capture-file.js';
import { readHarFile } from '../../src/formats/har-file.js';
import { harRequestHeaders } from '../../src/formats/har-request.js';
import { tempDir } from '../helpers/tmp.js';
import { collect, comparable, roundTripSet } from '../helpers/http-exchanges.js';

const dir = tempDir('shadowtap-rt-');
const cli = (...args: string[]): string => execFileSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function writeJsonl(name: string): Promise<string> {
  const path = join(dir, name);
  const w = CaptureWriter.open(path);
  for (const ex of roundTripSet()) await w.write(ex);
  await w.close();
  return path;
}

describe('round trips through the CLI (convert)', () => {
  for (const via of ['gor', 'har']) {
    it(`jsonl → .${via} → jsonl keeps method, target, headers, bodies, status and timing`, async () => {
      const src = await writeJsonl(`src-${via}.jsonl.gz`);
      const mid = join(dir, `mid.${via}`);
      const back = join(dir, `back-${via}.jsonl`);
      cli('convert', src, mid);
      cli('convert', mid, back);
      const got = await collect(readCaptureFile(back));
      expect(got.map(comparable)).toEqual(roundTripSet().map(comparable));
      // and `cat` reads the intermediate file directly
      const tsv = cli('cat', mid).trim().split('\n');
      expect(tsv.map((l) => l.split('\t').slice(1, 4))).toEqual(roundTripSet().map((e) => [e.request.method, e.request.target, String(e.response?.status ?? '-')]));
    });
  }

  it('a HAR from another tool (no shadowtap fields) keeps timing to the millisecond', async () => {
    const src = await writeJsonl('plain.jsonl');
    const har = join(dir, 'plain.har');
    cli('convert', src, har);
    const strip = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(strip) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('_')).map(([k, x]) => [k, strip(x)])) : v;
    writeFileSync(har, JSON.stringify(strip(JSON.parse(readFileSync(har, 'utf8')))));
    const got = await collect(readHarFile(har));
    const want = roundTripSet();
    // A request without Host gets one derived from the URL; the HAR's own header list is what comes back.
    expect(got.map((e) => [e.request.method, harRequestHeaders(e.request), e.request.body?.text ?? e.request.body?.base64, e.response?.status, e.response?.body?.text ?? e.response?.body?.base64])).toEqual(
      want.map((e) => [e.request.method, e.request.headers, e.request.body?.text ?? e.request.body?.base64, e.response?.status, e.response?.body?.text ?? e.response?.body?.base64]),
    );
    got.forEach((e, i) => {
      const w = want[i]!.timing;
      expect(Math.abs(e.timing.requestStartUs - w.requestStartUs)).toBeLessThan(1000);
      if (w.responseEndUs !== undefined) expect(Math.abs(e.timing.responseEndUs! - w.responseEndUs)).toBeLessThan(2000);
    });
  });
});
