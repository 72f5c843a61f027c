// Repeats of out-of-order segments while a hole stays open (retransmissions after a capture loss, a packet
// recorded twice by a pcapng with two interfaces) add no bytes: they must not count against the
// out-of-order limit, or a burst of them declares a gap the data never had.
import { describe, expect, it } from 'vitest';
import { exchangeBatchesFromPcapStream } from '../../src/capture/input-file.js';
import { CapturePipeline } from '../../src/capture/pipeline.js';
import { newRawPacket } from '../../src/capture/pcap/packet.js';
import { newCaptureStats } from '../../src/capture/tcp/stream-sink.js';
import type { Exchange } from '../../src/exchange.js';
import { classicPcap, tcpPacket, type TcpSpec } from '../helpers/capture-packets.js';
import { C, handshake, S, type Pkt } from '../helpers/reassemble.js';

const BODY = 'abcdefghij'.repeat(40); // 400 bytes, sent as four segments of 100
const HEAD = `POST /upload HTTP/1.1\r\nHost: example\r\nContent-Length: ${BODY.length}\r\n\r\n`;
const RESP = 'HTTP/1.1 204 No Content\r\n\r\n';
const ISN = 100;
const body = (i: number): TcpSpec => ({ ...C, seq: ISN + 1 + HEAD.length + 100 * i, ack: 9001, flags: 'PA', payload: BODY.slice(100 * i, 100 * (i + 1)) });

/**
 * The head, then body segment 0 lost by the capture (seen only when retransmitted last), segments 1-3
 * held meanwhile and repeated `repeats` times over, then the response acknowledging everything.
 */
function lossThenRetransmissions(repeats: number): Pkt[] {
  const out: Pkt[] = [...handshake(ISN), [10, { ...C, seq: ISN + 1, ack: 9001, flags: 'PA', payload: HEAD }]];
  let t = 20;
  for (let r = 0; r <= repeats; r++) for (let i = 1; i < 4; i++) out.push([t++, body(i)]);
  out.push([t++, body(0)], [t, { ...S, seq: 9001, ack: ISN + 1 + HEAD.length + BODY.length, flags: 'PA', payload: RESP }]);
  return out;
}

/** 300 bytes out of order per direction: exactly what segments 1-3 hold once each. */
const limits = { maxBufferedPerDirection: 300 };

async function exchanges(pkts: Pkt[]) {
  const pcap = classicPcap(
    pkts.map(([tsUs, spec]) => ({ tsUs, data: tcpPacket(spec) })),
    { linkType: 101 },
  );
  const stats = newCaptureStats();
  const out: Exchange[] = [];
  for await (const batch of exchangeBatchesFromPcapStream([pcap], 'repeats', { stats, limits })) out.push(...batch);
  return { out, stats };
}

/** Every data call reassembly makes for the request direction: [text, time]. */
function requestData(pkts: Pkt[]): { calls: [string, number][]; stats: ReturnType<typeof newCaptureStats> } {
  const calls: [string, number][] = [];
  const sinkFactory = () => ({
    data: (d: string, b: Buffer, start: number, end: number, tsUs: number) => void (d === 'request' && calls.push([b.toString('latin1', start, end), tsUs])),
    gap: (d: string, n: number) => void calls.push([`gap ${d} ${n}`, -1]),
    end: () => undefined,
  });
  const p = new CapturePipeline({ sinkFactory, limits });
  const pkt = newRawPacket();
  pkt.linkType = 101;
  for (const [ts, spec] of pkts) {
    const ip = tcpPacket(spec);
    Object.assign(pkt, { tsUs: ts, buf: ip, start: 0, end: ip.length, origLen: ip.length });
    p.onPacket(pkt);
  }
  p.finish();
  return { calls, stats: p.stats };
}

describe('out-of-order segments repeated while a hole stays open', () => {
  it('are held once: the exchange comes out whole, with no gap and no memory-limit hit', async () => {
    const { out, stats } = await exchanges(lossThenRetransmissions(20));
    expect(out.map((e) => [e.request.method, e.request.body?.text, e.response?.status, e.flags ?? []])).toEqual([['POST', BODY, 204, []]]);
    expect(stats).toMatchObject({ exchanges: 1, gaps: 0, gapBytes: 0, memoryLimitHits: 0, incomplete: 0 });
  });

  it('the limit still holds when distinct bytes exceed it', async () => {
    const pkts = lossThenRetransmissions(0);
    const extra: Pkt = [19, { ...body(4), payload: 'x'.repeat(100) }]; // past the body: over the limit with segments 1-3
    const { stats } = await exchanges([...pkts.slice(0, 3), extra, ...pkts.slice(3)]);
    expect(stats.memoryLimitHits).toBeGreaterThan(0);
    expect(stats.gapBytes).toBeGreaterThan(0);
  });

  it('a repeat cut differently holds only its new bytes; held bytes keep the first copy’s time', () => {
    const at = ISN + 1 + HEAD.length;
    const seg = (from: number, to: number): TcpSpec => ({ ...C, seq: at + from, ack: 9001, flags: 'PA', payload: BODY.slice(from, to) });
    const pkts: Pkt[] = [...handshake(ISN), [10, { ...C, seq: ISN + 1, ack: 9001, flags: 'PA', payload: HEAD }], [20, seg(150, 250)]];
    // Re-cut repeats, each over the held 100 bytes plus 1 new: held whole, they would pass the limit.
    for (let i = 0; i < 50; i++) pkts.push([30 + i, seg(149 - i, 250)]);
    pkts.push([90, seg(0, 100)], [91, seg(250, 400)]);
    const { calls, stats } = requestData(pkts);
    expect(calls.map((c) => c[0]).join('')).toBe(HEAD + BODY);
    // Bytes 150-249 were first carried at 20, byte 149 - i by repeat i (at 30 + i), the rest by the hole's
    // copy and the segment after it.
    expect(calls.slice(1).map(([text, ts]) => [text.length, ts])).toEqual([[100, 90], ...Array.from({ length: 50 }, (_, i) => [1, 79 - i]), [100, 20], [150, 91]]);
    expect(stats).toMatchObject({ gaps: 0, gapBytes: 0, memoryLimitHits: 0 });
  });
});
