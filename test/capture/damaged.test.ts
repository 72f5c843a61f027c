import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangesFromPcapStream } from '../../src/capture/input-file.js';
import { newCaptureStats } from '../../src/capture/tcp/stream-sink.js';
import { InputError } from '../../src/errors.js';
import { recordOnLo, run, sampleTraffic, shadowtap, startNodeServer } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-damaged-');
const full = join(dir, 'full.pcap');
const short = join(dir, 'snap96.pcap');
let server: Awaited<ReturnType<typeof startNodeServer>>;
let small: Buffer; // a small real capture for the mutation runs

beforeAll(async () => {
  server = await startNodeServer();
  await recordOnLo(full, server.port, () => sampleTraffic(server.port));
  await recordOnLo(short, server.port, () => sampleTraffic(server.port), ['-s', '96']);
  const tiny = join(dir, 'tiny.pcap');
  const u = `http://127.0.0.1:${server.port}`;
  await recordOnLo(tiny, server.port, () => run('curl', ['-s', '-o', '/dev/null', `${u}/x`, `${u}/chunked/y`]));
  small = readFileSync(tiny);
}, 60_000);
afterAll(() => server?.close());

/** Reads capture bytes in `chunk`-sized pieces; resolves with the exchange count, rejects only with InputError. */
async function consume(bytes: Buffer, chunk = 4096) {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  const stats = newCaptureStats();
  let n = 0;
  for await (const _ of exchangesFromPcapStream(Readable.from(parts), 'mutant', { stats })) n++;
  return { n, stats };
}

describe('damaged input', () => {
  it('a file cut mid-packet keeps every exchange before the cut, warns, exits 0', async () => {
    const bytes = readFileSync(full);
    // Ten bytes into the record at 85% of the packets (tcpdump writes little-endian µs pcap).
    const starts: number[] = [];
    for (let at = 24; at < bytes.length; at += 16 + bytes.readUInt32LE(at + 8)) starts.push(at);
    const cutAt = starts[Math.floor(starts.length * 0.85)]! + 10;
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, bytes.subarray(0, cutAt));
    const [whole, part] = await Promise.all([shadowtap(['cat', full, '--format', 'json']), shadowtap(['cat', cut, '--format', 'json'])]);
    expect(part.code).toBe(0);
    expect(part.stderr).toMatch(/warning: .*cut\.pcap: capture cut mid-record at byte \d+/);
    type Row = { id: string; timing: { responseEndUs?: number }; source?: unknown };
    const parse = (s: string) => s.trim().split('\n').map((l) => ({ ...(JSON.parse(l) as Row), source: undefined }));
    const before = parse(part.stdout);
    const all = new Map(parse(whole.stdout).map((e) => [e.id, e]));
    const complete = before.filter((e) => e.timing.responseEndUs !== undefined && JSON.stringify(e) === JSON.stringify(all.get(e.id)));
    expect(complete.length).toBeGreaterThan(5);
    // Every exchange that ended well before the cut is there, unchanged.
    const lastEnd = Math.max(...complete.map((e) => e.timing.responseEndUs!));
    const expectedBefore = [...all.values()].filter((e) => (e.timing.responseEndUs ?? Infinity) < lastEnd);
    for (const e of expectedBefore) expect(before.map((b) => JSON.stringify(b))).toContain(JSON.stringify(e));
  });

  it('a file that is not a capture exits 2 with a clear message', async () => {
    const notCapture = join(dir, 'notes.txt.pcap');
    writeFileSync(notCapture, 'GET / HTTP/1.1\r\nthis is text\n');
    const r = await shadowtap(['capture', '--read', notCapture, '--out', join(dir, 'x.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/notes\.txt\.pcap: not a pcap or pcapng capture \(magic 0x47455420, text starting "GET \/ HT/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a short snap length gives flagged exchanges and counts, no crash', async () => {
    const { n, stats } = await consume(readFileSync(short));
    expect(stats.truncatedPackets).toBeGreaterThan(0);
    expect(stats.gaps).toBeGreaterThan(0);
    expect(n).toBeGreaterThan(0);
  });

  it('random bytes after a valid header, and random bytes alone, end cleanly', async () => {
    const header = small.subarray(0, 24);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 5000 }), fc.boolean(), async (junk, withHeader) => {
        const bytes = withHeader ? Buffer.concat([header, junk]) : Buffer.from(junk);
        await consume(bytes, 512).catch((e: unknown) => {
          if (!(e instanceof InputError)) throw e;
        });
      }),
      { numRuns: 200 },
    );
  });

  it('fast-check mutations of a real capture never crash or hang', async () => {
    const started = Date.now();
    const mutation = fc.array(fc.tuple(fc.nat({ max: small.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(mutation, fc.nat({ max: small.length }), fc.integer({ min: 1, max: 3000 }), async (flips, cut, chunk) => {
        const bytes = Buffer.from(small.subarray(0, Math.max(cut, 24)));
        for (const [at, v] of flips) if (at < bytes.length) bytes[at] = v;
        await consume(bytes, chunk).catch((e: unknown) => {
          if (!(e instanceof InputError)) throw e;
        });
      }),
      { numRuns: 2000 },
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe('capture --read writes through the redactor', () => {
  it('no secret reaches the file (mode 0600) unless --no-redact', async () => {
    const { gunzipSync } = await import('node:zlib');
    const { statSync } = await import('node:fs');
    const out = join(dir, 'redacted.jsonl.gz');
    const r = await shadowtap(['capture', '--read', full, '--port', String(server.port), '--redact-query', 'x', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const text = gunzipSync(readFileSync(out)).toString();
    expect(text).not.toContain('s3cr3t');
    // (The server echoes the URL in its body; bodies are not redacted, the request's URL and target are.)
    const b = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { _target?: string; request?: { url: string } }).find((e) => e._target?.startsWith('/b?'));
    expect(b?._target).toMatch(/^\/b\?x=redacted/);
    expect(b?.request?.url).not.toMatch(/x=1\b/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const plain = join(dir, 'plain.jsonl');
    expect((await shadowtap(['capture', '--read', full, '--no-redact', '--out', plain])).code).toBe(0);
    expect(readFileSync(plain, 'utf8')).toContain('session=s3cr3t');
  });
});
