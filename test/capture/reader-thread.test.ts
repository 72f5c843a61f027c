// The reader thread (src/capture/thread): reading, decoding and reassembly in a worker, HTTP parsing in
// the main thread, must give exactly what one thread gives: output bytes, order, stats, warnings, errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReaderState } from '../../src/capture/pcap/reader.js';
import { classicPcap, type Rec } from '../helpers/capture-packets.js';
import { dataRuns, readRecords } from '../helpers/capture-rewrite.js';
import { recordSample, run, shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-reader-thread-');
const sample = join(dir, 'sample.pcap');
const rough = join(dir, 'rough.pcap');
const cut = join(dir, 'cut.pcap');

/**
 * The capture as a bad network and a lossy capture would give it: runs of data segments of one direction
 * reversed and repeated (retransmissions), and every 9th data segment lost (gaps).
 */
function roughen(recs: Rec[], linkType: number): Rec[] {
  let data = 0;
  return dataRuns(recs, linkType).flatMap((r) => {
    const kept = r.recs.filter(() => !r.data || ++data % 9 !== 4);
    return [...kept.slice().reverse(), ...(r.data ? kept.slice(0, 2) : [])];
  });
}

interface ChildResult {
  exchanges?: unknown[];
  stats?: Record<string, number>;
  reader?: ReaderState;
  warnings: string[];
  batchSizes?: number[];
  error?: { name: string; message: string };
}

/** Reads `file` with the built library in a child process (see pcap-read-child.mjs). */
async function readInChild(file: string, mode: 'one' | 'thread', ...more: string[]): Promise<ChildResult> {
  const r = await run(process.execPath, [join(process.cwd(), 'test/helpers/pcap-read-child.mjs'), file, mode, ...more]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as ChildResult;
}

beforeAll(async () => {
  await recordSample(sample);
  const { recs, linkType } = await readRecords(sample);
  writeFileSync(rough, classicPcap(roughen(recs, linkType), { linkType }));
  const bytes = readFileSync(sample);
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6) + 5)); // mid-record, surely
}, 60_000);

describe('cat with a reader thread (--threads 2) prints what one thread prints', () => {
  it.each([
    ['sample', 'tsv'],
    ['sample', 'json'],
    ['sample', 'har'],
    ['rough', 'tsv'],
    ['rough', 'json'],
    ['rough', 'har'],
  ] as const)('%s capture, --format %s', async (name, format) => {
    const file = name === 'sample' ? sample : rough;
    const [one, two] = await Promise.all([shadowtap(['cat', file, '--format', format, '--threads', '1']), shadowtap(['cat', file, '--format', format, '--threads', '2'])]);
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.stdout.length).toBeGreaterThan(500);
    expect(two.stdout === one.stdout).toBe(true);
    expect(two.stderr).toBe(one.stderr);
  });

  it('a file cut mid-record: the same exchanges and the same warning, exit 0', async () => {
    const [one, two] = await Promise.all([shadowtap(['cat', cut, '--threads', '1']), shadowtap(['cat', cut, '--threads', '2'])]);
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.stdout === one.stdout).toBe(true);
    expect(two.stderr).toMatch(/^warning: .*cut\.pcap: capture cut mid-record at byte \d+ .*; kept every packet before it\n$/);
    expect(two.stderr).toBe(one.stderr);
  });

  it('not a capture, or no such file: the same error, exit 2', async () => {
    const text = join(dir, 'not.pcap');
    writeFileSync(text, 'hello, this is not a capture at all\n'.repeat(10));
    const missing = join(dir, 'missing.pcap');
    for (const file of [text, missing]) {
      const [one, two] = await Promise.all([shadowtap(['cat', file, '--threads', '1']), shadowtap(['cat', file, '--threads', '2'])]);
      expect([one.code, two.code]).toEqual([2, 2]);
      expect(two.stderr).toBe(one.stderr);
      expect(two.stdout).toBe('');
    }
    expect((await shadowtap(['cat', text, '--threads', '2'])).stderr).toMatch(/not\.pcap: not a pcap or pcapng capture \(magic 0x68656c6c, text starting "hell/);
  });
});

describe('the reader thread as a library (exchangeBatchesFromPcapFile { thread })', () => {
  it('a ring far smaller than the capture (64 KiB, records split): same exchanges, batches, stats and reader state', async () => {
    for (const file of [sample, rough]) {
      const [one, thread] = await Promise.all([readInChild(file, 'one'), readInChild(file, 'thread', String(64 << 10))]);
      expect(one.exchanges!.length).toBeGreaterThanOrEqual(file === sample ? 24 : 10);
      expect(readFileSync(file).length).toBeGreaterThan(10 * (64 << 10));
      expect(thread.exchanges).toEqual(one.exchanges);
      expect(thread.batchSizes).toEqual(one.batchSizes);
      expect(thread.stats).toEqual(one.stats);
      expect(thread.reader).toEqual(one.reader);
      expect(thread.warnings).toEqual(one.warnings);
    }
    const roughStats = (await readInChild(rough, 'thread')).stats!;
    expect([roughStats.gaps, roughStats.flows]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(roughStats.gaps).toBeGreaterThan(0);
  });

  it('a cut file and a non-capture: the same warnings and errors', async () => {
    const [one, thread] = await Promise.all([readInChild(cut, 'one'), readInChild(cut, 'thread', String(64 << 10))]);
    expect(thread).toEqual(one);
    expect(one.warnings).toHaveLength(1);
    const text = join(dir, 'not-either.pcap');
    writeFileSync(text, Buffer.from([0x1f, 0x8b, 8, 0, ...Array(60).fill(0)]));
    const [e1, e2] = await Promise.all([readInChild(text, 'one'), readInChild(text, 'thread')]);
    expect(e2).toEqual(e1);
    expect(e2.error).toEqual({ name: 'InputError', message: expect.stringMatching(/empty input \(gzip stream damaged/) });
  });

  it('a consumer that stops early: the thread (blocked on a full ring) does not hold the process', async () => {
    // A held process never exits: it is killed at the bound and has no exit code. Not a time limit on
    // a process that does exit (a loaded machine took 6.5 s here).
    const child = await run(process.execPath, [join(process.cwd(), 'test/helpers/pcap-read-child.mjs'), sample, 'thread', String(64 << 10), '1'], { timeoutMs: 45_000 });
    expect([child.code, child.stderr]).toEqual([0, '']);
    expect((JSON.parse(child.stdout) as ChildResult).batchSizes).toEqual([expect.any(Number)]);
  });
});
