// The reader thread (src/capture/thread): reading, decoding and reassembly in a worker, HTTP parsing in
// the main thread, must give exactly what one thread gives: output bytes, order, stats, warnings, errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSegment } from '../../src/capture/decode/ip-tcp.js';
import { newSegment, Skip } from '../../src/capture/decode/segment.js';
import { fileChunks } from '../../src/capture/pcap/file-chunks.js';
import { readPackets, type ReaderState } from '../../src/capture/pcap/reader.js';
import { classicPcap, type Rec } from '../helpers/capture-packets.js';
import { recordOnLo, run, sampleTraffic, shadowtap, startNodeServer } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-reader-thread-');
const sample = join(dir, 'sample.pcap');
const rough = join(dir, 'rough.pcap');
const cut = join(dir, 'cut.pcap');

async function records(file: string): Promise<{ recs: Rec[]; linkType: number }> {
  const recs: Rec[] = [];
  const state: ReaderState = { bytesRead: 0 };
  const onPacket = (p: { tsUs: number; buf: Buffer; start: number; end: number; origLen: number }): void => void recs.push({ tsUs: p.tsUs, data: Buffer.from(p.buf.subarray(p.start, p.end)), origLen: p.origLen });
  for await (const _ of readPackets(fileChunks(file, 1 << 16), file, onPacket, { state }));
  return { recs, linkType: state.linkType! };
}

/**
 * The capture as a bad network and a lossy capture would give it: runs of data segments of one direction
 * reversed and repeated (retransmissions), and every 9th data segment lost (gaps).
 */
function roughen(recs: Rec[], linkType: number): Rec[] {
  const seg = newSegment();
  const keyOf = (r: Rec): string | undefined => {
    const skip = decodeSegment({ linkType, tsUs: r.tsUs, buf: r.data, start: 0, end: r.data.length, origLen: r.origLen ?? r.data.length, iface: 0 }, seg);
    return skip !== Skip.None || seg.payLen === 0 ? undefined : `${seg.srcPort}>${seg.dstPort}`;
  };
  const out: Rec[] = [];
  let data = 0;
  for (let i = 0; i < recs.length; ) {
    const key = keyOf(recs[i]!);
    let j = i + 1;
    if (key !== undefined) while (j < recs.length && keyOf(recs[j]!) === key) j++;
    const run = recs.slice(i, j).filter(() => key === undefined || ++data % 9 !== 4);
    out.push(...run.slice().reverse(), ...(key !== undefined ? run.slice(0, 2) : []));
    i = j;
  }
  return out;
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
  const node = await startNodeServer();
  try {
    await recordOnLo(sample, node.port, () => sampleTraffic(node.port));
  } finally {
    await node.close();
  }
  const { recs, linkType } = await records(sample);
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
    expect(e2.error).toEqual({ name: 'InputError', message: expect.stringContaining('gzip data: gunzip it first') });
  });

  it('a consumer that stops early: the thread (blocked on a full ring) does not hold the process', async () => {
    const t0 = Date.now();
    const r = await readInChild(sample, 'thread', String(64 << 10), '1');
    expect(r.batchSizes).toEqual([expect.any(Number)]);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
