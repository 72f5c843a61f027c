import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Exchange } from '../../src/exchange.js';
import { join } from 'node:path';
import { newStats, readCaptureFile } from '../../src/formats/capture-file.js';
import { sampleExchange } from '../helpers/exchanges.js';
import { harEntryText } from '../../src/formats/har-line.js';
import { until } from '../helpers/agent-run.js';
import { tempDir } from '../helpers/tmp.js';
import { rotatingSink } from '../helpers/rotating-sink.js';
import { pump } from '../../src/io/pump.js';
import { iterableSource } from '../../src/io/open.js';
import { openSink } from '../../src/io/registry.js';
import { createRedactor } from '../../src/stages/redact/index.js';

const root = tempDir('shadowtap-rotate-');

const sink = rotatingSink;

async function readAll(dir: string): Promise<{ names: string[]; ids: string[] }> {
  const names = readdirSync(dir).sort();
  const ids: string[] = [];
  for (const n of names) {
    const st = newStats();
    for await (const ex of readCaptureFile(join(dir, n), {}, st)) ids.push(ex.id);
    expect(st.tornTail).toBe(false);
  }
  return { names, ids };
}

describe('rotating capture files', () => {
  it('rotates by age, gzips, and keeps modes 0600 (files) and 0700 (directory)', async () => {
    const dir = join(root, 'age');
    const { s } = sink(dir, { rotateEveryMs: 300 });
    for (let i = 0; i < 3; i++) {
      void s.write([sampleExchange(i)]);
      await until(() => s.counts.filesFinished === i + 1, 3000, 20);
    }
    await s.close();
    const { names, ids } = await readAll(dir);
    expect(names).toHaveLength(3);
    for (const n of names) {
      expect(n).toMatch(/^cap-\d{8}T\d{6}Z-\d{6}\.jsonl\.gz$/);
      expect(statSync(join(dir, n)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(ids).toEqual(['ex-0', 'ex-1', 'ex-2']);
  });

  it('writes each line as the capture file does, also a batch larger than one 64 KiB buffer', async () => {
    const dir = join(root, 'lines');
    const { s } = sink(dir, { gzip: false });
    // ~4 KB lines: a batch of the loop (up to 64 exchanges) spans several buffers.
    const exs = Array.from({ length: 150 }, (_, i) => sampleExchange(i, { response: { status: 200, reason: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'text/plain' }], body: { size: 3000, truncated: false, text: `${i}`.repeat(3000 / String(i).length | 0) } } }));
    void s.write(exs);
    await until(() => s.counts.written === exs.length, 3000, 20);
    await s.close();
    const names = readdirSync(dir);
    expect(names).toHaveLength(1);
    const lines = readFileSync(join(dir, names[0]!), 'utf8').split('\n');
    expect(lines.slice(1)).toEqual([...exs.map((ex) => harEntryText(ex)), '']);
  });

  it('rotates by size and deletes the oldest files to stay under the disk cap', async () => {
    const dir = join(root, 'cap');
    const { s, logs } = sink(dir, { maxFileBytes: 4000, maxTotalBytes: 9000, gzip: false });
    for (let i = 0; i < 60; i++) {
      void s.write([sampleExchange(i)]);
      if (i % 5 === 4) await until(() => s.counts.written === i + 1, 3000, 5);
    }
    await s.close();
    const { names, ids } = await readAll(dir);
    const total = names.reduce((a, n) => a + statSync(join(dir, n)).size, 0);
    expect(total).toBeLessThanOrEqual(9000);
    expect(s.counts.filesDeleted).toBeGreaterThan(0);
    expect(names.length + s.counts.filesDeleted).toBe(s.counts.filesFinished);
    // What is left is the newest, contiguous, ending with the last exchange.
    expect(ids.at(-1)).toBe('ex-59');
    const first = Number(ids[0]!.slice(3));
    expect(ids).toEqual(Array.from({ length: 60 - first }, (_, k) => `ex-${first + k}`));
    expect(logs).toContain('disk cap reached; deleted oldest capture files');
  });

  it('blocking (a command\'s mode): a queue far smaller than the input makes the writer wait, never drop', async () => {
    const dir = join(root, 'blocking');
    const { s } = sink(dir, { blocking: true, queueCapacity: 3, gzip: false, maxFileBytes: 64 * 1024 });
    const all = Array.from({ length: 400 }, (_, i) => sampleExchange(i));
    for (let i = 0; i < all.length; i += 50) await s.write(all.slice(i, i + 50));
    await s.close();
    expect(s.counts).toMatchObject({ written: 400, dropped: 0, droppedDisk: 0 });
    const { names, ids } = await readAll(dir);
    expect(names.length).toBeGreaterThan(1);
    expect(ids).toEqual(all.map((e) => e.id));
  });

  it('blocking, stopped past its deadline: close rejects with what was not written (a command never loses exchanges silently)', async () => {
    const dir = join(root, 'blocking-deadline');
    // Small files: ~4 KiB batches, so a thousand exchanges take hundreds of writes, and a deadline of 0 cuts them.
    const { s } = sink(dir, { blocking: true, gzip: false, maxFileBytes: 64 * 1024 });
    await s.write(Array.from({ length: 1000 }, (_, i) => sampleExchange(i)));
    const err = await s.close(0).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/^\d+ exchanges not written to .*blocking-deadline: stop deadline \(0 ms\) passed$/);
    expect(s.counts.lostAtStop).toBeGreaterThan(0);
    expect(s.counts.written + s.counts.lostAtStop).toBe(1000);
  });

  it('blocking on a disk that fills: the write (or close) rejects naming the file, which keeps its header and whole lines', async () => {
    const dir = join(root, 'blocking-full');
    mkdirSync(dir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir]);
    try {
      // One batch of ~200 KB: the first write of the file fails, after its header line.
      const { s } = sink(dir, { blocking: true, gzip: false });
      const big = Array.from({ length: 60 }, (_, i) => sampleExchange(i, { response: { status: 200, reason: 'OK', httpVersion: 'HTTP/1.1', headers: [], body: { size: 3000, truncated: false, text: 'x'.repeat(3000) } } }));
      const failed = await s.write(big).then(() => s.close()).then(() => undefined, (err: Error) => err);
      expect(failed?.message).toMatch(new RegExp(`cannot write ${dir}/cap-\\d{8}T\\d{6}Z-000001\\.jsonl: ENOSPC`));
      await s.close().catch(() => undefined);
      const names = readdirSync(dir);
      expect(names).toHaveLength(1);
      const text = readFileSync(join(dir, names[0]!), 'utf8');
      expect(text.split('\n')[0]).toContain('"_shadowtap"');
      expect(text.endsWith('\n')).toBe(true);
      expect(s.counts.written + s.counts.droppedDisk).toBe(60);
    } finally {
      execFileSync('umount', ['-l', dir]);
    }
  });

  it('is the registry\'s `rotating` output: the pump redacts before it, and the files say so in their first line', async () => {
    const dir = join(root, 'registry');
    const key = { bytes: Buffer.from('a rotating test key, 16+ bytes'), source: 'test' };
    const input = Array.from({ length: 12 }, (_, i) => sampleExchange(i, { request: { ...sampleExchange(i).request, headers: [{ name: 'Authorization', value: `Bearer zqTok${i}zq` }] } }));
    const sink = await openSink(dir, { kind: 'rotating', redaction: { enabled: true, key }, origin: { kind: 'test' }, rotation: { prefix: 'reg', maxFileBytes: 2000, gzip: false } });
    await pump({ source: iterableSource(input), redaction: { enabled: true, key }, sinks: [sink] });
    expect(sink.stats()).toMatchObject({ written: 12, dropped: 0 });
    const names = readdirSync(dir).sort();
    expect(names).toHaveLength(1); // one batch is one write; rotation by size comes after it
    expect(names.every((n) => /^reg-\d{8}T\d{6}Z-\d{6}\.jsonl$/.test(n))).toBe(true);
    const got: Exchange[] = [];
    for (const n of names) {
      const header = JSON.parse(readFileSync(join(dir, n), 'utf8').split('\n')[0]!) as { _shadowtap: { source: object; redaction: { key: string } } };
      expect(header._shadowtap).toMatchObject({ source: { kind: 'test' }, redaction: { enabled: true, key: 'test' } });
      for await (const ex of readCaptureFile(join(dir, n), {}, newStats())) got.push(ex);
    }
    const once = createRedactor({ enabled: true, key });
    expect(got.map((ex) => ex.request.headers)).toEqual(input.map((ex) => once(ex).request.headers));
  });
});
