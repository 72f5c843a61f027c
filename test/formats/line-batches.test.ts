import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import fc from 'fast-check';
import { openChunks, openMaybeGzip, readLineBatches, type LineBatch } from '../../src/formats/lines.js';
import { CaptureWriter, readCaptureBatches, readCaptureFile } from '../../src/formats/capture-file.js';
import { InputError } from '../../src/errors.js';
import type { Exchange } from '../../src/exchange.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleExchange } from '../helpers/exchanges.js';

const dir = tempDir();

async function* chunks(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    if (c > at) yield bytes.subarray(at, c);
    at = Math.max(at, c);
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

async function lines(bytes: Buffer, cuts: number[]): Promise<{ text: string; number: number; terminated: boolean }[]> {
  const out: { text: string; number: number; terminated: boolean }[] = [];
  for await (const b of readLineBatches(chunks(bytes, cuts))) b.lines.forEach((text, i) => out.push({ text, number: b.first + i, terminated: b.lastTerminated || i < b.lines.length - 1 }));
  return out;
}

/** What the lines of a text are, by the plain definition. */
function expected(text: string): { text: string; number: number; terminated: boolean }[] {
  const parts = text.split('\n');
  const last = parts.pop()!;
  const out = parts.map((t, i) => ({ text: t.endsWith('\r') ? t.slice(0, -1) : t, number: i + 1, terminated: true }));
  if (last) out.push({ text: last.endsWith('\r') ? last.slice(0, -1) : last, number: parts.length + 1, terminated: false });
  return out;
}

describe('capture lines read a chunk at a time', () => {
  it('gives the same lines however the bytes are cut (multi-byte UTF-8, CRLF, blank and long lines)', async () => {
    const pieces = ['{"a":"é€😀"}', '', '\r', 'x'.repeat(300), 'plain', 'ü\r'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 8 }), async (ls, newlineAtEnd, rawCuts) => {
        const text = ls.join('\n') + (newlineAtEnd && ls.length ? '\n' : '');
        const bytes = Buffer.from(text, 'utf8');
        const cuts = rawCuts.map((c) => (bytes.length ? c % (bytes.length + 1) : 0));
        expect(await lines(bytes, cuts)).toEqual(expected(text));
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('a plain file read through its reused buffer gives the batches its stream gives, wherever 64 KiB chunks cut', async () => {
    const path = join(dir, 'cut.jsonl');
    const batchesOf = async (chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<LineBatch[]> => {
      const out: LineBatch[] = [];
      for await (const b of readLineBatches(chunks)) out.push(b);
      return out;
    };
    // Lines of random lengths around the chunk size, multi-byte characters and CRLF where a chunk may cut them.
    const line = fc.tuple(fc.nat({ max: 70_000 }), fc.constantFrom('', 'é', '€😀', '\r')).map(([n, tail]) => 'x'.repeat(n) + tail);
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 6 }), fc.boolean(), async (ls, newlineAtEnd) => {
        writeFileSync(path, ls.join('\n') + (newlineAtEnd ? '\n' : ''));
        const streamed = await batchesOf(await openMaybeGzip(path));
        const read = await openChunks(path);
        expect(Symbol.asyncIterator in read).toBe(false);
        expect(await batchesOf(read)).toEqual(streamed);
        expect(streamed.flatMap((b) => b.lines)).toEqual(expected(readFileSync(path, 'utf8')).map((l) => l.text));
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('batches hold the same exchanges as the one-at-a-time reader, plain and gzip', async () => {
    const path = join(dir, 'many.jsonl');
    const w = CaptureWriter.open(path);
    const input: Exchange[] = [];
    for (let i = 0; i < 600; i++) input.push(sampleExchange(i));
    for (const ex of input) await w.write(ex);
    await w.close();
    writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
    for (const p of [path, `${path}.gz`]) {
      const batches: Exchange[][] = [];
      for await (const b of readCaptureBatches(p)) batches.push(b);
      expect(batches.length).toBeGreaterThan(1);
      expect(batches.flat()).toEqual(input);
    }
  });

  it('a bad line deep in a batch names its own line number, after handing over the exchanges before it', async () => {
    const path = join(dir, 'bad-deep.jsonl');
    const w = CaptureWriter.open(path);
    for (let i = 0; i < 400; i++) await w.write(sampleExchange(i));
    await w.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    lines[250] = '{"broken": ';
    writeFileSync(path, lines.join('\n') + '\n');
    const got: string[] = [];
    const read = async (): Promise<void> => {
      for await (const b of readCaptureBatches(path)) for (const ex of b) got.push(ex.id);
    };
    const err = await read().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/bad-deep\.jsonl:251: not valid JSON/);
    expect(got).toEqual([...Array(249).keys()].map((i) => `ex-${i}`));
    const warnings: string[] = [];
    const all: Exchange[] = [];
    for await (const ex of readCaptureFile(path, { skipInvalid: true, onWarning: (m) => warnings.push(m) })) all.push(ex);
    expect(all).toHaveLength(399);
    expect(warnings).toEqual([expect.stringMatching(/:251: not valid JSON$/)]);
  });
});
