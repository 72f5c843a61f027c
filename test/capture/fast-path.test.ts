// The fast paths of `cat` on a capture (batches, the batch printer, the hand-written start-line and
// header parsing, body decoding) must give exactly what the per-exchange paths give.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeBatchesFromPcapFile, exchangeBatchesFromPcapStream, exchangesFromPcapFile } from '../../src/capture/input-file.js';
import { fileChunks } from '../../src/capture/pcap/file-chunks.js';
import { parseHead } from '../../src/http1/head.js';
import { bodyBytes, makeBody } from '../../src/body.js';
import { createRedactor, REDACT_ALL } from '../../src/stages/redact/index.js';
import type { Exchange } from '../../src/exchange.js';
import { tempDir } from '../helpers/tmp.js';
import { listed, tsvLine } from '../helpers/listing.js';
import { recordSample, shadowtap } from '../helpers/capture-tools.js';

const dir = tempDir('shadowtap-fast-');
const file = join(dir, 'sample.pcap');
let exchanges: Exchange[] = [];

beforeAll(async () => {
  await recordSample(file);
  for await (const ex of exchangesFromPcapFile(file)) exchanges.push(ex);
}, 60_000);

afterAll(() => {
  exchanges = [];
});

/** What the listing of `format` prints fed one exchange per batch (the CLI gets a batch per chunk read). */
function printed(format: 'tsv' | 'json' | 'har'): Promise<string> {
  return listed(format === 'har' ? 'har-listing' : format, exchanges.map((ex) => [ex]));
}

describe('cat on a pcap', () => {
  it('batches hold the same exchanges, in order, and none is empty', async () => {
    expect(exchanges.length).toBeGreaterThanOrEqual(24); // 2 curl GETs, an upload, a download, 20 from ab
    const flat: Exchange[] = [];
    for await (const batch of exchangeBatchesFromPcapFile(file)) {
      expect(batch.length).toBeGreaterThan(0);
      flat.push(...batch);
    }
    expect(flat).toEqual(exchanges);
  });

  it.each(['tsv', 'json', 'har'] as const)('cat --format %s prints what its listing prints fed one exchange at a time', async (format) => {
    const r = await shadowtap(['cat', '--format', format, file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await printed(format));
    if (format === 'tsv') expect(r.stdout).toBe(exchanges.map(tsvLine).join(''));
    if (format === 'json') {
      const back = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Exchange);
      // cat redacts by default (the Cookie's value is hashed, its name kept)
      const redact = createRedactor(REDACT_ALL);
      expect(back.map((e) => e.request.headers)).toEqual(exchanges.map((e) => redact(e).request.headers));
      expect(back.find((e) => e.request.target === '/a')!.request.headers.map((h) => h.name)).toContain('Cookie');
    }
  });
});

describe('file reads into reused buffers', () => {
  it('a ring of 2 small chunks (records and bodies spanning many of them) gives what a stream of fresh buffers gives', async () => {
    const collect = async (batches: AsyncIterable<Exchange[]>): Promise<Exchange[]> => {
      const all: Exchange[] = [];
      for await (const b of batches) all.push(...b);
      return all;
    };
    const reused = await collect(exchangeBatchesFromPcapStream(fileChunks(file, 4096, 2), file, { source: { capture: file, kind: 'pcap' } }));
    expect(reused).toEqual(exchanges);
    const upload = reused.find((e) => e.request.target === '/upload')!;
    expect([upload.request.body?.size, upload.request.body?.text?.length]).toEqual([700_000, 700_000]);
    expect(upload.request.body?.text).toBe('u'.repeat(700_000));
  });
});

describe('cat with a reader thread (--threads 2, automatic on 4+ cores for large files)', () => {
  it.each(['tsv', 'json', 'har'] as const)('2 threads print exactly what one prints (--format %s)', async (format) => {
    const [one, two] = await Promise.all([shadowtap(['cat', file, '--format', format, '--threads', '1']), shadowtap(['cat', file, '--format', format, '--threads', '2'])]);
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stdout).toBe(await printed(format)); // and that is every exchange
  });

  it('--threads 3 is exit 2 naming the flag (sharding went: see cli/commands/cat.ts)', async () => {
    const r = await shadowtap(['cat', file, '--threads', '3']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--threads 3: expected a whole number from 0 to 2')]);
  });

  it('a cut file warns once and keeps what one thread keeps; not a capture is exit 2 with the reason', async () => {
    const bytes = readFileSync(file);
    const cut = join(dir, 'cut-threads.pcap');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const [one, two] = await Promise.all([shadowtap(['cat', cut, '--threads', '1']), shadowtap(['cat', cut, '--threads', '2'])]);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr.match(/capture cut mid-record/g)).toHaveLength(1);
    const text = join(dir, 'not.pcap');
    writeFileSync(text, 'hello, this is not a capture at all\n');
    const bad = await shadowtap(['cat', text, '--threads', '2']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/not\.pcap: not a pcap or pcapng capture/)]);
  });
});

describe('cat - (stdin)', () => {
  it('a pcap on stdin is listed like the file (tcpdump -w - | shadowtap cat -); a JSONL stream is read as one', async () => {
    const viaFile = await shadowtap(['cat', file]);
    const viaStdin = await shadowtap(['cat', '-', '--threads', '2'], { input: readFileSync(file) });
    expect(viaStdin.code).toBe(0);
    expect(viaStdin.stdout === viaFile.stdout).toBe(true);
    const jsonl = join(dir, 'sample.jsonl');
    expect((await shadowtap(['convert', file, jsonl])).code).toBe(0);
    const lines = await shadowtap(['cat', '--format', 'tsv', '-'], { input: readFileSync(jsonl) });
    expect(lines.code).toBe(0);
    expect(lines.stdout === (await shadowtap(['cat', jsonl])).stdout).toBe(true);
    expect(lines.stdout.split('\n').filter(Boolean)).toHaveLength(exchanges.length);
  });
});

describe('cat through the CLI parser (yargs), as scripts run it', () => {
  it('--format F and --format=F are one option, in any position; the default is tsv', async () => {
    const [spaced, equals, first, plain] = await Promise.all([
      shadowtap(['cat', file, '--format', 'har']),
      shadowtap(['cat', file, '--format=har']),
      shadowtap(['cat', '--format=har', file]),
      shadowtap(['cat', file]),
    ]);
    expect([spaced.code, equals.code, first.code, plain.code]).toEqual([0, 0, 0, 0]);
    expect(spaced.stdout).toBe(await printed('har'));
    expect([equals.stdout === spaced.stdout, first.stdout === spaced.stdout]).toEqual([true, true]);
    expect(plain.stdout).toBe(exchanges.map(tsvLine).join(''));
  });

  it('a missing file is exit 2 naming it; bad usage is exit 2 naming what is wrong, with nothing on stdout', async () => {
    const missing = join(dir, 'missing.pcap');
    const runs = await Promise.all([
      shadowtap(['cat', missing]),
      shadowtap(['cat', file, '--format', 'xml']),
      shadowtap(['cat']),
      shadowtap(['cat', file, '--frmat', 'json']),
      shadowtap(['cat', file, 'extra.pcap']),
    ]);
    expect(runs.map((r) => [r.code, r.stdout])).toEqual(runs.map(() => [2, '']));
    const [absent, format, none, typo, extra] = runs.map((r) => r.stderr);
    expect(absent).toContain(`${missing}: cannot read (ENOENT)`);
    expect(format).toMatch(/Argument: format, Given: "xml", Choices: "tsv", "json", "har"/);
    expect(none).toContain('Not enough non-option arguments');
    expect(typo).toContain('Unknown argument: frmat');
    // A second file is a second input (cat lists several in turn), checked before the first is listed.
    expect(extra).toContain('extra.pcap: cannot read (ENOENT)');
  });
});

describe('head parsing', () => {
  const head = (text: string) => parseHead('response', Buffer.from(text, 'latin1'), 0, text.length);

  it('gives the headers as on the wire and notes framing in any letter case', () => {
    const h = head('HTTP/1.1 200 OK\r\nServer: x\r\ncontent-LENGTH :  12 \r\nX-Empty:\r\nTransfer-Encoding: gzip\r\n\r\n')!;
    expect([h.status, h.reason, h.httpVersion, h.contentLength, h.transferEncoding]).toEqual([200, 'OK', 'HTTP/1.1', '12', 'gzip']);
    expect(h.headers).toEqual([
      { name: 'Server', value: 'x' },
      { name: 'content-LENGTH', value: '12' },
      { name: 'X-Empty', value: '' },
      { name: 'Transfer-Encoding', value: 'gzip' },
    ]);
  });

  it('a folded framing header is read joined; malformed lines still reject the head', () => {
    const folded = head('HTTP/1.1 200 OK\r\nContent-Length:\r\n 7\r\nUpgrade: h2c\r\n\r\n')!;
    expect([folded.contentLength, folded.upgrade]).toEqual(['7', true]);
    expect(folded.headers).toEqual([
      { name: 'Content-Length', value: '7' },
      { name: 'Upgrade', value: 'h2c' },
    ]);
    expect(head('HTTP/1.1 200 OK\r\n folded-first\r\n\r\n')).toBeUndefined();
    expect(head('HTTP/1.1 200 OK\r\nno colon\r\n\r\n')).toBeUndefined();
    expect(head('HTTP/1.1 200 OK\r\n: no name\r\n\r\n')).toBeUndefined();
    expect(head('HTTP/1.1 20x OK\r\n\r\n')).toBeUndefined();
    expect(head('HTTP/2.0 200 OK\r\n\r\n')).toBeUndefined();
    const starts = ['HTTP/1.0 404 Not Found', 'HTTP/1.9 204', 'HTTP/1.1 200 '].map((l) => head(`${l}\r\n\r\n`)!);
    expect(starts.map((h) => [h.httpVersion, h.status, h.reason])).toEqual([
      ['HTTP/1.0', 404, 'Not Found'],
      ['HTTP/1.9', 204, ''],
      ['HTTP/1.1', 200, ''],
    ]);
    expect(parseHead('request', Buffer.from('GET /a b HTTP/1.1\r\n\r\n'), 0, 21)).toBeUndefined();
    expect(parseHead('request', Buffer.from('GET /a HTTP/1.1\r\n\r\n'), 0, 19)!.target).toBe('/a');
  });
});

describe('makeBody', () => {
  it('keeps text for ASCII and UTF-8 (a BOM included), base64 for anything else, and round-trips the bytes', () => {
    const cases: [Buffer, 'text' | 'base64'][] = [
      [Buffer.from('plain ascii {"a":1}'), 'text'],
      [Buffer.from('héllo wörld ✓'), 'text'],
      [Buffer.from('\ufeffwith a BOM'), 'text'],
      [Buffer.from([0xff, 0xfe, 0x00, 0x41]), 'base64'],
      [Buffer.from([0x68, 0xc3]), 'base64'], // UTF-8 cut in the middle of a character
    ];
    for (const [bytes, kind] of cases) {
      const body = makeBody(bytes);
      expect(body[kind]).toBeDefined();
      expect(bodyBytes(body)).toEqual(bytes);
    }
    const cut = makeBody(new Uint8Array(Buffer.from('abcdef')), 10, 4);
    expect(cut).toEqual({ text: 'abcd', size: 10, truncated: true });
  });
});
