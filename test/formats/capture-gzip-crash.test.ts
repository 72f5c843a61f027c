// A .jsonl.gz as a crash leaves it: written by a slow producer and killed, or cut short.
import { describe, expect, it } from 'vitest';
import { readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { CaptureWriter, readCaptureFile } from '../../src/formats/capture-file.js';
import { openSource } from '../../src/io/registry.js';
import { sampleExchange } from '../helpers/exchanges.js';
import { collect } from '../helpers/http-exchanges.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-gz-crash-');

/** The lines a gzip reader gets out of the file as it is on disk now (no end of stream needed). */
function linesOnDisk(path: string): number {
  const text = gunzipSync(readFileSync(path), { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  return text.split('\n').filter(Boolean).length;
}

async function writeAll(path: string, n: number): Promise<void> {
  const w = CaptureWriter.open(path);
  for (let i = 0; i < n; i++) await w.write(sampleExchange(i));
  await w.close();
}

describe('.jsonl.gz and crashes', () => {
  it('a slow producer (record) has its lines on disk, inflatable, within ~100 ms, before any close', async () => {
    const path = join(dir, 'slow.jsonl.gz');
    const w = CaptureWriter.open(path);
    await w.write(sampleExchange(1));
    await w.write(sampleExchange(2));
    await w.write(sampleExchange(3));
    const t0 = Date.now();
    // What a SIGKILL would leave: the bytes the OS has. Waits on the file's change events, for at most 3 s.
    await new Promise<void>((resolve, reject) => {
      const watcher = watch(path);
      const done = (err?: Error): void => (watcher.close(), clearTimeout(late), err ? reject(err) : resolve());
      const late = setTimeout(() => done(new Error(`${linesOnDisk(path)} lines on disk after 3 s`)), 3_000);
      const check = (): void => void (linesOnDisk(path) === 4 && done());
      watcher.on('change', check);
      check();
    });
    expect(Date.now() - t0).toBeLessThan(1_000);
    await w.close();
    expect(linesOnDisk(path)).toBe(4);
  });

  it('a cut .jsonl.gz keeps every whole line and warns how much was kept (as a cut .pcap.gz does)', async () => {
    const whole = join(dir, 'whole.jsonl.gz');
    await writeAll(whole, 400);
    const gz = readFileSync(whole);
    const cut = join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const warnings: string[] = [];
    const got = await collect(readCaptureFile(cut, { onWarning: (m) => warnings.push(m) }));
    expect(got.length).toBeGreaterThan(100);
    expect(got.length).toBeLessThan(400);
    expect(got.map((e) => e.id)).toEqual(Array.from({ length: got.length }, (_, i) => `ex-${i}`));
    expect(warnings.at(-1)).toMatch(new RegExp(`^${cut}: gzip stream cut after \\d+ bytes; ${got.length} exchanges kept$`));
    // The header alone (a recording killed before its first flush) is 0 exchanges, not an error.
    const header = join(dir, 'header.jsonl.gz');
    writeFileSync(header, gz.subarray(0, 10));
    warnings.length = 0;
    expect(await collect(readCaptureFile(header, { onWarning: (m) => warnings.push(m) }))).toEqual([]);
    expect(warnings).toEqual([`${header}: gzip stream cut after 0 bytes; 0 exchanges kept`]);
  });

  it('a capture file that starts with a UTF-8 byte order mark reads as without it', async () => {
    const plain = join(dir, 'plain.jsonl');
    await writeAll(plain, 3);
    const bom = join(dir, 'bom.jsonl');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(plain)]));
    const source = await openSource(bom);
    const got = [];
    for await (const b of source.batches()) got.push(...b);
    expect(got.map((e) => e.id)).toEqual(['ex-0', 'ex-1', 'ex-2']);
  });
});
