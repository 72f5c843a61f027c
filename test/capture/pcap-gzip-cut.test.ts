// Capture files as they travel: gzipped (recognised by the magic, whatever the name says) and cut short.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordSample, run, shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-gzip-cut-');
const pcap = join(dir, 'sample.pcap');
const pcapng = join(dir, 'sample.pcapng');
let listing = '';

beforeAll(async () => {
  await recordSample(pcap);
  await run('editcap', ['-F', 'pcapng', pcap, pcapng]);
  listing = (await shadowtap(['cat', pcap, '--format', 'json'])).stdout;
}, 60_000);

describe('gzipped captures', () => {
  it('.pcap.gz, .pcapng.gz, a gzipped file named .pcap and gzip on stdin list as the plain capture does', async () => {
    expect(listing.trim().split('\n').length).toBeGreaterThanOrEqual(24);
    const files = { 'a.pcap.gz': pcap, 'b.pcapng.gz': pcapng, 'c.pcap': pcap };
    for (const [name, from] of Object.entries(files)) writeFileSync(join(dir, name), gzipSync(readFileSync(from)));
    for (const name of Object.keys(files)) {
      const r = await shadowtap(['cat', join(dir, name), '--format', 'json'], { env: { SHADOWTAP_TSV_LANE: '0' } });
      expect([name, r.code, r.stderr]).toEqual([name, 0, '']);
      expect(r.stdout.replaceAll(join(dir, name), pcap)).toBe(listing);
    }
    const stdin = await shadowtap(['cat', '-', '--format', 'tsv'], { input: readFileSync(join(dir, 'a.pcap.gz')) });
    const plain = await shadowtap(['cat', pcap, '--format', 'tsv'], { env: { SHADOWTAP_TSV_LANE: '0' } });
    expect([stdin.code, stdin.stderr]).toEqual([0, '']);
    expect(stdin.stdout).toBe(plain.stdout);
  });

  it('capture --read takes a gzipped capture too', async () => {
    const out = join(dir, 'read.jsonl');
    const r = await shadowtap(['capture', '--read', join(dir, 'a.pcap.gz'), '--out', out, '--no-redact']);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(24);
  });

  it('a gzip stream cut short keeps what inflated before the cut, warns, exits 0', async () => {
    const gz = gzipSync(readFileSync(pcap));
    const cut = join(dir, 'cut.pcap.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const r = await shadowtap(['cat', cut, '--format', 'json'], { env: { SHADOWTAP_TSV_LANE: '0' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*cut\.pcap\.gz: gzip stream cut short/);
    const got = r.stdout.trim().split('\n');
    expect(got.length).toBeGreaterThan(3);
    const whole = new Set(listing.trim().split('\n').map((l) => l.replaceAll(pcap, cut)));
    expect(got.filter((l) => whole.has(l)).length).toBeGreaterThan(3);
  });
});

describe('cut headers are not captures', () => {
  it('an 8-byte file starting with a pcap magic exits 2 naming the file', async () => {
    const file = join(dir, 'eight.pcap');
    writeFileSync(file, readFileSync(pcap).subarray(0, 8));
    for (const args of [['cat', file], ['capture', '--read', file, '--out', join(dir, 'x.jsonl')]]) {
      const r = await shadowtap(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/eight\.pcap: not a capture: cut inside the file header \(8 bytes/);
    }
  });

  it('a cut pcapng section header exits 2 naming the file; a whole one with no packets is an empty capture', async () => {
    const shb = readFileSync(pcapng);
    const shbLen = shb.readUInt32LE(4);
    for (const n of [8, 20, shbLen - 4]) {
      const file = join(dir, `shb${n}.pcapng`);
      writeFileSync(file, shb.subarray(0, n));
      const r = await shadowtap(['cat', file]);
      expect([n, r.code]).toEqual([n, 2]);
      expect(r.stderr).toMatch(new RegExp(`shb${n}\\.pcapng: not a capture: cut inside the (file|pcapng section) header`));
    }
    const empty = join(dir, 'shb-only.pcapng');
    writeFileSync(empty, shb.subarray(0, shbLen));
    const r = await shadowtap(['cat', empty]);
    expect([r.code, r.stdout]).toEqual([0, '']);
  });
});
