import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openSink, openSource } from '../../src/io/registry.js';
import { pump } from '../../src/io/pump.js';
import { REDACT_ALL } from '../../src/stages/redact/index.js';
import { classicPcap, frame, tcpPacket } from '../helpers/capture-packets.js';
import { listed } from '../helpers/listing.js';
import { sampleExchange } from '../helpers/exchanges.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-listing-escapes-');

/** One exchange on the wire whose request line carries ESC [ 31 m and U+202E (RIGHT-TO-LEFT OVERRIDE) in UTF-8. */
function escapePcap(): string {
  const request = Buffer.concat([Buffer.from('GET /esc\x1b[31mRED'), Buffer.from('\u202e', 'utf8'), Buffer.from('x HTTP/1.1\r\nHost: h\r\n\r\n')]);
  const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  const c = { sport: 40000, dport: 8080 };
  const s = { sport: 8080, dport: 40000, src: [10, 0, 0, 2], dst: [10, 0, 0, 1] };
  const packets = [
    tcpPacket({ ...c, seq: 100, flags: 'S' }),
    tcpPacket({ ...s, seq: 500, ack: 101, flags: 'SA' }),
    tcpPacket({ ...c, seq: 101, ack: 501, flags: 'PA', payload: request }),
    tcpPacket({ ...s, seq: 501, ack: 101 + request.length, flags: 'PA', payload: response }),
  ];
  const path = join(dir, 'esc.pcap');
  writeFileSync(path, classicPcap(packets.map((p, i) => ({ tsUs: 1_700_000_000_000_000 + i * 1000, data: frame(1, p) })), { linkType: 1 }));
  return path;
}

async function listing(kind: string, pcap: string): Promise<string> {
  const chunks: Buffer[] = [];
  const stdout = new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(Buffer.from(chunk)), done()) });
  await pump({ source: await openSource(pcap, { kind: 'pcap' }), redaction: REDACT_ALL, sinks: [await openSink('-', { kind, redaction: REDACT_ALL, stdout })] });
  return Buffer.concat(chunks).toString('utf8');
}

describe('cat tsv listings escape control and bidi characters from captured text', () => {
  it.each(['tsv', 'tsv-human'])('%s: a target read off the wire with ESC and U+202E prints them as \\x1b and \\u{202e}', async (kind) => {
    const out = await listing(kind, escapePcap());
    expect(out).toContain('/esc\\x1b[31mRED\\u{202e}x');
    expect([out.includes('\x1b'), out.includes('\u202e')]).toEqual([false, false]);
  });

  it.each(['tsv', 'tsv-human'])('%s: a method or target with a tab or newline (a HAR, another tool) stays one line of its columns', async (kind) => {
    const ex = sampleExchange(0);
    ex.request.method = 'GE\x1b[31mT';
    ex.request.target = '/a\tb\nc\x9b';
    const out = await listed(kind, [[ex]]);
    const last = out.trimEnd().split('\n').at(-1)!;
    expect(last).toContain('GE\\x1b[31mT');
    expect(last).toContain('/a\\x09b\\x0ac\\x9b');
    expect([out.includes('\x1b'), out.includes('\x9b')]).toEqual([false, false]);
    if (kind === 'tsv') expect(last.split('\t')).toHaveLength(5);
  });
});
