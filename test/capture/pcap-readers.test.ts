import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readPackets, type ReaderState } from '../../src/capture/pcap/reader.js';
import { CapturePipeline } from '../../src/capture/pipeline.js';
import type { FlowInfo, TcpStreamSink } from '../../src/capture/tcp/stream-sink.js';
import { InputError } from '../../src/errors.js';
import { exchangesFromPcapStream } from '../../src/capture/input-file.js';
import { newCaptureStats } from '../../src/capture/tcp/stream-sink.js';
import { classicPcap, frame, pcapng, tcpPacket, withHopByHop, type Rec } from '../helpers/capture-packets.js';

/** A short HTTP conversation as IP packets, client 10.0.0.1:40000 → server 10.0.0.2:80 (or IPv6). */
function conversation(family: 4 | 6 = 4): Buffer[] {
  const c = { family, sport: 40000, dport: 80 } as const;
  const s = { family, sport: 80, dport: 40000, src: family === 4 ? [10, 0, 0, 2] : undefined, dst: family === 4 ? [10, 0, 0, 1] : undefined } as const;
  const sv6 = family === 6 ? { src: [0xfd, 0, ...Array(13).fill(0), 2], dst: [0xfd, 0, ...Array(13).fill(0), 1] } : {};
  const req = 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\n';
  const res = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi';
  return [
    tcpPacket({ ...c, seq: 1000, flags: 'S' }),
    tcpPacket({ ...s, ...sv6, seq: 5000, ack: 1001, flags: 'SA' }),
    tcpPacket({ ...c, seq: 1001, ack: 5001, flags: 'PA', payload: req }),
    tcpPacket({ ...s, ...sv6, seq: 5001, ack: 1001 + req.length, flags: 'PA', payload: res }),
    tcpPacket({ ...c, seq: 1001 + req.length, ack: 5001 + res.length, flags: 'FA' }),
    tcpPacket({ ...s, ...sv6, seq: 5001 + res.length, ack: 1002 + req.length, flags: 'FA' }),
  ];
}

interface Seen {
  streams: string[];
  ts: number[];
  conn: string[];
}

/** Runs a capture through readers and reassembly, fed in chunks of `chunk` bytes; returns the byte streams. */
async function readAll(bytes: Buffer, chunk = 1 << 16, state?: ReaderState, warnings: string[] = []): Promise<Seen> {
  const seen: Seen = { streams: [], ts: [], conn: [] };
  const sinkFactory = (flow: FlowInfo): TcpStreamSink => {
    seen.conn.push(`${flow.connection.clientIp}:${flow.connection.clientPort}>${flow.connection.serverIp}:${flow.connection.serverPort}`);
    let text = '';
    return { data: (d, b, start, end, ts) => ((text += `${d[2]}:${b.toString('utf8', start, end)}|`), seen.ts.push(ts)), gap: (d, n) => (text += `gap${d[2]}${n}|`), end: (r) => seen.streams.push(`${text}end:${r}`) };
  };
  const pipeline = new CapturePipeline({ sinkFactory });
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  for await (const _ of readPackets(Readable.from(parts), 'test', pipeline.onPacket, { state, onWarning: (m) => warnings.push(m) }));
  pipeline.finish();
  return seen;
}

const T0 = 1_700_000_000_123_456;
const recsOf = (linkType: number, ips: Buffer[], vlan = 0, pppoe = false): Rec[] => ips.map((ip, i) => ({ tsUs: T0 + i * 1001, data: frame(linkType, ip, vlan, pppoe) }));
const expected = 'q:GET /hello HTTP/1.1\r\nHost: x\r\n\r\n|s:HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi|end:fin';

describe('pcap and pcapng readers', () => {
  it.each([
    ['Ethernet', 1, 0],
    ['Ethernet 802.1Q', 1, 1],
    ['Ethernet QinQ', 1, 2],
    ['Ethernet 802.1Q, PPPoE session', 1, 1, true],
    ['Linux SLL', 113, 0],
    ['Linux SLL2', 276, 0],
    ['BSD NULL', 0, 0],
    ['BSD LOOP', 108, 0],
    ['raw IP', 101, 0],
    ['raw IP (DLT 12)', 12, 0],
    ['Linux NFLOG', 239, 0],
  ] as [string, number, number, boolean?][])('classic pcap, link type %s, µs and ns, both byte orders, any chunking', async (_n, linkType, vlan, pppoe) => {
    for (const family of [4, 6] as const) {
      for (const nano of [false, true]) {
        for (const bigEndian of [false, true]) {
          const file = classicPcap(recsOf(linkType, conversation(family), vlan, pppoe), { linkType, nano, bigEndian });
          for (const chunk of [7, 64, 1 << 16]) {
            const seen = await readAll(file, chunk);
            expect(seen.streams).toEqual([expected]);
            expect(seen.ts).toEqual([T0 + 2 * 1001, T0 + 3 * 1001]);
          }
        }
      }
    }
  });

  it('formats IPv4 and IPv6 addresses and walks IPv6 extension headers', async () => {
    const v6 = conversation(6).map(withHopByHop);
    const seen = await readAll(classicPcap(recsOf(101, v6), { linkType: 101 }));
    expect(seen.streams).toEqual([expected]);
    expect(seen.conn).toEqual(['fd00::1:40000>fd00::2:80']);
    expect((await readAll(classicPcap(recsOf(1, conversation(4)), { linkType: 1 }))).conn).toEqual(['10.0.0.1:40000>10.0.0.2:80']);
  });

  it('pcapng: both byte orders, several interfaces with if_tsresol (10^-n and 2^-n), EPB and SPB, unknown blocks', async () => {
    const ifaces = [{ linkType: 1 }, { linkType: 276, tsresol: 9 }, { linkType: 101, tsresol: 0x80 | 20 }, { linkType: 113, tsresol: 3 }];
    const ips = conversation();
    for (const bigEndian of [false, true]) {
      for (let i = 0; i < ifaces.length; i++) {
        const linkType = ifaces[i]!.linkType;
        const recs = ips.map((ip, k) => ({ iface: i, tsUs: T0 - 456 + k * 1000, data: frame(linkType, ip) }));
        const state: ReaderState = { bytesRead: 0 };
        const seen = await readAll(pcapng(ifaces, recs, { bigEndian }), 13, state);
        expect(state.format).toBe('pcapng');
        expect(seen.streams).toEqual([expected]);
        // 2^-20 s units cannot hold every microsecond exactly: within one.
        const want = [T0 - 456 + 2000, T0 - 456 + 3000];
        seen.ts.forEach((t, k) => expect(Math.abs(t - want[k]!)).toBeLessThanOrEqual(i === 2 ? 1 : 0));
      }
    }
    const simple = pcapng([{ linkType: 1 }], ips.map((ip) => ({ iface: 0, tsUs: 0, simple: true, data: frame(1, ip) })));
    expect((await readAll(simple)).streams).toEqual([expected]);
  });

  it('a file cut mid-record keeps what came before and warns', async () => {
    const file = classicPcap(recsOf(1, conversation()), { linkType: 1 });
    const warnings: string[] = [];
    const state: ReaderState = { bytesRead: 0 };
    const seen = await readAll(file.subarray(0, file.length - 30), 100, state, warnings);
    expect(seen.streams).toEqual(['q:GET /hello HTTP/1.1\r\nHost: x\r\n\r\n|s:HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi|end:eof']);
    expect(warnings.join()).toMatch(/cut mid-record at byte \d+/);
    expect(state.stoppedEarly).toMatch(/cut mid-record/);
  });

  it('a link type it does not decode is named in one warning, and its packets counted as skipped', async () => {
    const warnings: string[] = [];
    const stats = newCaptureStats();
    const file = classicPcap(recsOf(1, conversation()).map((r) => ({ ...r, data: Buffer.concat([Buffer.alloc(8), r.data]) })), { linkType: 127 });
    for await (const _ of exchangesFromPcapStream(Readable.from([file]), 'radio.pcap', { stats, onWarning: (m) => warnings.push(m) }));
    expect(warnings).toEqual([expect.stringMatching(/^radio\.pcap: link type 127 is not decoded/)]);
    expect(stats.nonTcpPackets).toBe(6);
  });

  it('not a capture: InputError naming the input and the magic', async () => {
    for (const [bytes, what] of [
      [Buffer.from('{"log":{"version":"1.2"}} and more text here'), /text starting "\{"log"/],
      [Buffer.from([0x1f, 0x8b, 8, 0, ...Array(40).fill(0)]), /gzip/],
      [Buffer.alloc(0), /empty input/],
      [Buffer.from([1, 2, 3]), /magic 0x010203/],
    ] as const) {
      const err = await readAll(bytes).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(/^test: /);
      expect((err as Error).message).toMatch(what);
    }
  });
});

describe('records cut at chunk ends', () => {
  // The reader completes a record cut at a chunk's end in one buffer it reuses for every chunk; chunks
  // come from a ring of reused buffers, as fileChunks gives them. Whatever the cuts, the packets are
  // those of reading the file whole.
  const packetsOf = async (chunks: Iterable<Buffer>): Promise<string[]> => {
    const out: string[] = [];
    for await (const _ of readPackets(chunks, 'test', (p) => void out.push(`${p.tsUs}:${p.origLen}:${p.buf.toString('hex', p.start, p.end)}`)));
    return out;
  };
  function* ring(file: Buffer, sizes: number[]): Generator<Buffer> {
    const buffers = [Buffer.alloc(20000), Buffer.alloc(20000), Buffer.alloc(20000), Buffer.alloc(20000)];
    for (let at = 0, i = 0; at < file.length; i++) {
      const n = Math.min(sizes[i % sizes.length]!, file.length - at);
      const b = buffers[i % buffers.length]!;
      file.copy(b, 0, at, at + n);
      at += n;
      yield b.subarray(0, n);
    }
  }

  it('give the packets of the whole file, for records smaller and larger than the stitch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 4097, max: 20000 }), { minLength: 1, maxLength: 5 }), async (lengths, sizes) => {
        const recs: Rec[] = lengths.map((n, i) => ({ tsUs: T0 + i, data: Buffer.alloc(n, (i * 37) & 0xff) }));
        const file = classicPcap(recs, { linkType: 101 });
        expect(await packetsOf(ring(file, sizes))).toEqual(await packetsOf([file]));
      }),
      { numRuns: 60 },
    );
  });
});
