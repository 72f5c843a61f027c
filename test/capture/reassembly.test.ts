import { describe, expect, it } from 'vitest';
import { C, handshake, pieces, reassemble, REQ, S, type Pkt } from '../helpers/reassemble.js';

describe('TCP reassembly', () => {
  it('reorders, drops duplicates and overlaps, and delivers each byte once', () => {
    const isn = 1000;
    const p = pieces(REQ, 5);
    const seg = (i: number, extra = 0): Pkt => [10 + i, { ...C, seq: isn + 1 + p[i]![0], ack: 9001, flags: 'PA', payload: p[i]![1] + (p[i + 1]?.[1].slice(0, extra) ?? '') }];
    const order = [seg(2), seg(0), seg(0), seg(1, 3), seg(4), seg(3), seg(1), seg(2, 5)];
    const { flows, stats } = reassemble([...handshake(isn), ...order]);
    expect(flows[0]!.log).toEqual([`q:${REQ}`, 'end eof']);
    expect(stats.gaps).toBe(0);
  });

  it('handles sequence numbers that wrap past 2^32', () => {
    const isn = 2 ** 32 - 10;
    const p = pieces(REQ, 3);
    const segs: Pkt[] = p.map(([off, text], i) => [10 + i, { ...C, seq: (isn + 1 + off) % 2 ** 32, ack: 9001, flags: 'PA', payload: text }]);
    const { flows } = reassemble([...handshake(isn), segs[1]!, segs[0]!, segs[2]!]);
    expect(flows[0]!.log).toEqual([`q:${REQ}`, 'end eof']);
  });

  it('declares a gap when the peer acknowledges bytes the capture lost, and never stitches across it', () => {
    const p = pieces(REQ, 3);
    const seg = (i: number): Pkt => [10 + i, { ...C, seq: 101 + p[i]![0], ack: 9001, flags: 'PA', payload: p[i]![1] }];
    const resp = 'HTTP/1.1 200 OK\r\n\r\n';
    // The response acknowledges the lost piece: it was on the wire before the response (a bare ACK would
    // have to stand for a window first: hole-window.test.ts).
    const { flows, stats } = reassemble([...handshake(100), seg(0), seg(2), [20, { ...S, seq: 9001, ack: 101 + REQ.length, flags: 'PA', payload: resp }]]);
    expect(flows[0]!.log).toEqual([`q:${p[0]![1]}`, `gap request ${p[1]![1].length}`, `q:${p[2]![1]}`, `s:${resp}`, 'end eof']);
    expect(stats).toMatchObject({ gaps: 1, gapBytes: p[1]![1].length });
  });

  it('at the end, flushes held bytes after a gap', () => {
    const p = pieces(REQ, 2);
    const { flows } = reassemble([...handshake(100), [10, { ...C, seq: 101 + p[1]![0], ack: 9001, flags: 'PA', payload: p[1]![1] }]]);
    expect(flows[0]!.log).toEqual([`gap request ${p[0]![1].length}`, `q:${p[1]![1]}`, 'end eof']);
  });

  it('a packet cut by the snap length delivers what was captured, then a gap for the rest', () => {
    const { flows, stats } = reassemble([...handshake(100), [10, { ...C, seq: 101, ack: 9001, flags: 'PA', payload: REQ }, 10], [11, { ...C, seq: 101 + REQ.length, ack: 9001, flags: 'PA', payload: 'GET' }]]);
    expect(flows[0]!.log).toEqual([`q:${REQ.slice(0, 10)}`, `gap request ${REQ.length - 10}`, 'q:GET', 'end eof']);
    expect(stats.truncatedPackets).toBe(1);
  });

  it('a new SYN on a finished tuple starts a new flow (port reuse); a repeated SYN does not', () => {
    const conn = (isn: number, t: number): Pkt[] => [
      [t, { ...C, seq: isn, flags: 'S' }],
      [t + 1, { ...C, seq: isn, flags: 'S' }], // retransmitted SYN
      [t + 2, { ...S, seq: 7000, ack: isn + 1, flags: 'SA' }],
      [t + 3, { ...C, seq: isn + 1, ack: 7001, flags: 'PA', payload: REQ }],
      [t + 4, { ...S, seq: 7001, ack: isn + 1 + REQ.length, flags: 'FA' }],
      [t + 5, { ...C, seq: isn + 1 + REQ.length, ack: 7002, flags: 'FA' }],
      [t + 6, { ...S, seq: 7002, ack: isn + 2 + REQ.length, flags: 'A' }],
    ];
    const { flows } = reassemble([...conn(100, 0), ...conn(5000, 100)]);
    expect(flows.map((f) => f.log)).toEqual([
      [`q:${REQ}`, 'fin response', 'fin request', 'end fin'],
      [`q:${REQ}`, 'fin response', 'fin request', 'end fin'],
    ]);
  });

  it('ends flows idle for longer than the limit, by packet time', () => {
    const other = { ...C, sport: 40001 };
    const { flows } = reassemble(
      [
        [0, { ...C, seq: 1, flags: 'PA', payload: 'GET / HTTP/1.1\r\n\r\n' }],
        [2_000_000, { ...other, seq: 1, flags: 'PA', payload: 'x' }],
        [3_000_000, { ...other, seq: 2, flags: 'PA', payload: 'y' }],
      ],
      { limits: { idleUs: 1_500_000 } },
    );
    expect(flows[0]!.log.at(-1)).toBe('end idle');
    expect(flows[1]!.log.at(-1)).toBe('end eof');
  });

  it('bounds the out-of-order bytes held: over the limit it gives up on the hole and counts it', () => {
    const held: Pkt[] = [];
    for (let i = 0; i < 10; i++) held.push([10 + i, { ...C, seq: 1000 + 50 * i, ack: 9001, flags: 'PA', payload: 'x'.repeat(50) }]);
    const { flows, stats } = reassemble([[1, { ...C, seq: 900, flags: 'PA', payload: 'a' }], ...held], { limits: { maxBufferedPerDirection: 120 } });
    expect(stats.memoryLimitHits).toBeGreaterThan(0);
    expect(flows[0]!.log).toEqual(['q:a', 'gap request 99', `q:${'x'.repeat(500)}`, 'end eof']);
  });

  it('bounds open flows and out-of-order bytes across flows: the oldest flow ends, holes give way', () => {
    const flow = (port: number, t: number): Pkt => [t, { ...C, sport: port, seq: 1, flags: 'PA', payload: 'GET' }];
    const many = reassemble([flow(40001, 1), flow(40002, 2), flow(40003, 3)], { limits: { maxFlows: 2 } });
    expect(many.flows.map((f) => f.log.at(-1))).toEqual(['end memory', 'end eof', 'end eof']);
    expect(many.stats.memoryLimitHits).toBe(1);
    const held = (port: number, t: number): Pkt => [t, { ...C, sport: port, seq: 100, flags: 'PA', payload: 'y'.repeat(80) }];
    const total = reassemble([flow(40001, 1), held(40001, 2), flow(40002, 3), held(40002, 4)], { limits: { maxBufferedTotal: 100 } });
    expect(total.stats.memoryLimitHits).toBe(1);
    expect(total.flows[1]!.log).toEqual(['q:GET', 'gap request 96', `q:${'y'.repeat(80)}`, 'end eof']);
  });

  it('after a RST the peer’s data already in flight is still delivered; the flow ends as reset', () => {
    const resp = 'HTTP/1.1 204 No Content\r\n\r\n';
    const { flows } = reassemble([
      ...handshake(100),
      [10, { ...C, seq: 101, ack: 9001, flags: 'PA', payload: REQ }],
      [11, { ...C, seq: 101 + REQ.length, ack: 9001, flags: 'R' }],
      [12, { ...S, seq: 9001, ack: 101 + REQ.length, flags: 'PA', payload: resp }],
    ]);
    expect(flows[0]!.log).toEqual([`q:${REQ}`, `s:${resp}`, 'end rst']);
  });

  it('without a SYN, the side on --port (else the higher port) is the server', () => {
    const mid = (ports?: number[]) => reassemble([[1, { ...S, seq: 1, flags: 'PA', payload: 'HTTP/1.1 200 OK\r\n\r\n' }]], ports ? { ports } : {}).flows[0]!.info.connection;
    expect(mid()).toMatchObject({ clientPort: 40000, serverPort: 80 });
    expect(mid([40000])).toMatchObject({ clientPort: 80, serverPort: 40000 });
    expect(reassemble([[1, { ...S, seq: 1, flags: 'PA', payload: 'x' }]], { ports: [8080] }).flows).toEqual([]);
  });
});
