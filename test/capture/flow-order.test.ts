import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newSegment } from '../../src/capture/decode/segment.js';
import { tupleHash } from '../../src/capture/tcp/flow-table.js';
import { classicPcap, frame, tcpPacket, type Rec } from '../helpers/capture-packets.js';
import { shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

// The output order is a rule (README, "Output order"): flows that end at one moment (here: the end of
// the capture) write their exchanges in the order the flows started, whatever the flow table does with
// them. Two flows whose 4-tuples share a hash bucket once came out grouped by bucket instead.

const dir = tempDir('shadowtap-flow-order-');
const SERVER = [10, 0, 0, 1];

type Client = { ip: number[]; port: number };

/**
 * Two clients (→ SERVER:80) whose tuples share a flow-table bucket, found by search: for one port the
 * hash is one-to-one in the address, so the two differ in port (a birthday search over 2 × 200k tuples,
 * addresses spread over the whole space: a contiguous range gives structured hashes that never meet).
 */
function collidingClients(): [Client, Client] {
  const buf = Buffer.alloc(8);
  Buffer.from(SERVER).copy(buf, 4);
  const ip = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  const hashOf = (addr: number, port: number): number => {
    buf.writeUInt32BE(addr >>> 0, 0);
    return tupleHash(buf, { ...newSegment(), srcAt: 0, dstAt: 4, srcPort: port, dstPort: 80 });
  };
  const addr = (i: number): number => Math.imul(i, 0x9e3779b1) >>> 0;
  const seen = new Map<number, number>();
  for (let i = 1; i <= 200_000; i++) seen.set(hashOf(addr(i), 40000), addr(i));
  for (let i = 1; i <= 200_000; i++) {
    const other = seen.get(hashOf(addr(i), 40001));
    if (other !== undefined) return [{ ip: ip(other), port: 40000 }, { ip: ip(addr(i)), port: 40001 }];
  }
  throw new Error('no colliding tuples found');
}

/** A handshake and a whole request, never answered: the flow stays open until the end of the capture. */
function request({ ip: src, port }: Client, path: string, tsUs: number): Rec[] {
  const p = (flags: string, seq: number, ack: number, fromClient: boolean, payload = '') =>
    tcpPacket(fromClient ? { src, dst: SERVER, sport: port, dport: 80, seq, ack, flags, payload } : { src: SERVER, dst: src, sport: 80, dport: port, seq, ack, flags, payload });
  const packets = [p('S', 100, 0, true), p('SA', 500, 101, false), p('A', 101, 501, true), p('PA', 101, 501, true, `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`)];
  return packets.map((ip, i) => ({ tsUs: tsUs + i, data: frame(1, ip) }));
}

describe('output order', () => {
  it('flows ending together write their exchanges in the order the flows started, also when they share a hash bucket', async () => {
    const [a, c] = collidingClients();
    const file = join(dir, 'colliding.pcap');
    const t = 1_700_000_000_000_000;
    writeFileSync(file, classicPcap([...request(a, '/first', t), ...request({ ip: [13, 0, 0, 2], port: 40002 }, '/second', t + 10), ...request(c, '/third', t + 20)], { linkType: 1 }));
    for (const threads of ['1', '2']) {
      const r = await shadowtap(['cat', file, '--threads', threads]);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[2])).toEqual(['/first', '/second', '/third']);
    }
  });

  it('exchanges come out in packet order of what completes them, pipelined ones in request order; capture and cat alike', async () => {
    // Flow A starts first and sends two pipelined requests; flow B starts later but is answered first.
    // Packet order of completion: B's response, then A's two responses in one segment → B, A1, A2.
    const A = { ip: [10, 0, 0, 9], port: 41000 };
    const B = { ip: [10, 0, 0, 8], port: 41001 };
    const t = 1_700_000_000_000_000;
    const seg = (c: Client, fromClient: boolean, seq: number, ack: number, flags: string, payload = '') =>
      tcpPacket(fromClient ? { src: c.ip, dst: SERVER, sport: c.port, dport: 80, seq, ack, flags, payload } : { src: SERVER, dst: c.ip, sport: 80, dport: c.port, seq, ack, flags, payload });
    const reqA = 'GET /a1 HTTP/1.1\r\nHost: h\r\n\r\nGET /a2 HTTP/1.1\r\nHost: h\r\n\r\n';
    const resA = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    const reqB = 'GET /b HTTP/1.1\r\nHost: h\r\n\r\n';
    const resB = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    const packets = [
      seg(A, true, 100, 0, 'S'), seg(A, false, 500, 101, 'SA'), seg(A, true, 101, 501, 'A'),
      seg(A, true, 101, 501, 'PA', reqA),
      seg(B, true, 100, 0, 'S'), seg(B, false, 500, 101, 'SA'), seg(B, true, 101, 501, 'A'),
      seg(B, true, 101, 501, 'PA', reqB),
      seg(B, false, 501, 101 + reqB.length, 'PA', resB),
      seg(A, false, 501, 101 + reqA.length, 'PA', resA),
    ];
    const file = join(dir, 'completion.pcap');
    writeFileSync(file, classicPcap(packets.map((ip, i) => ({ tsUs: t + i * 10, data: frame(1, ip) })), { linkType: 1 }));
    const want = ['/b', '/a1', '/a2'];
    for (const threads of ['1', '2']) {
      const r = await shadowtap(['cat', file, '--threads', threads]);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[2])).toEqual(want);
    }
    const out = join(dir, 'completion.jsonl');
    expect((await shadowtap(['capture', '--read', file, '--out', out])).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').slice(1);
    expect(lines.map((l) => (JSON.parse(l) as { _target: string })._target)).toEqual(want);
  });
});
