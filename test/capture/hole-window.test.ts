// Acknowledged-but-unseen bytes become a gap only when the evidence stands: captures reorder packets
// between the two directions, so one early ACK (or SYN-ACK, or FIN) is not a loss.
import { describe, expect, it } from 'vitest';
import { HOLE_WINDOW_PACKETS, HOLE_WINDOW_US } from '../../src/capture/tcp/ack-evidence.js';
import { C, handshake, pieces, reassemble, REQ, S, type Pkt } from '../helpers/reassemble.js';

const RESP = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const p = pieces(REQ, 3);
const req = (i: number, t: number, flags = 'PA'): Pkt => [t, { ...C, seq: 101 + p[i]![0], ack: 9001, flags, payload: p[i]![1] }];
const serverAck = (t: number, ack = 101 + REQ.length): Pkt => [t, { ...S, seq: 9001, ack, flags: 'A' }];

describe('holes the peer acknowledged', () => {
  it('an ACK captured before the data it acknowledges is reordering, not a gap', () => {
    const { flows, stats } = reassemble([...handshake(100), req(0, 10), req(1, 11), serverAck(12), req(2, 11), [13, { ...S, seq: 9001, ack: 101 + REQ.length, flags: 'PA', payload: RESP }]]);
    expect(flows[0]!.log).toEqual([`q:${REQ}`, `s:${RESP}`, 'end eof']);
    expect(stats.gaps).toBe(0);
  });

  it(`a hole still open ${HOLE_WINDOW_PACKETS} packets after a bare ACK is a gap, declared then`, () => {
    const open = (later: number) => {
      const acks: Pkt[] = [];
      for (let i = 0; i < later; i++) acks.push(serverAck(21 + i));
      return reassemble([...handshake(100), req(0, 10), req(2, 12), serverAck(20), ...acks], { finish: false });
    };
    expect(open(HOLE_WINDOW_PACKETS - 1).flows[0]!.log).toEqual([`q:${p[0]![1]}`]);
    const { flows, stats } = open(HOLE_WINDOW_PACKETS);
    expect(flows[0]!.log).toEqual([`q:${p[0]![1]}`, `gap request ${p[1]![1].length}`, `q:${p[2]![1]}`]);
    expect(stats).toMatchObject({ gaps: 1, gapBytes: p[1]![1].length });
  });

  it(`on a quiet flow, ${HOLE_WINDOW_US / 1000} ms of capture time declare it; with no packet at all, the sweep does`, () => {
    const at = (t: number) => reassemble([...handshake(100), req(0, 10), req(2, 12), serverAck(20), serverAck(t)], { finish: false }).flows[0]!.log;
    expect(at(20 + HOLE_WINDOW_US - 1)).toEqual([`q:${p[0]![1]}`]);
    expect(at(20 + HOLE_WINDOW_US)).toEqual([`q:${p[0]![1]}`, `gap request ${p[1]![1].length}`, `q:${p[2]![1]}`]);
    // The request's last piece was lost (not its FIN) and the flow went quiet after both FINs: the sweep a
    // second later declares the gap, which closes the request side and so ends the flow as finished.
    const finAt = 101 + REQ.length;
    const quiet = reassemble([
      ...handshake(100),
      req(0, 10),
      req(1, 11),
      [12, { ...C, seq: finAt, ack: 9001, flags: 'FA' }],
      [20, { ...S, seq: 9001, ack: finAt + 1, flags: 'FA' }],
      [21, { ...C, seq: finAt + 1, ack: 9002, flags: 'A' }],
      [3_000_000, { ...C, sport: 40001, seq: 1, flags: 'PA', payload: 'other flow' }],
    ]);
    expect(quiet.flows[0]!.log).toEqual([`q:${p[0]![1]}${p[1]![1]}`, 'fin response', `gap request ${p[2]![1].length}`, 'fin request', 'end fin']);
  });

  it("the peer's data acknowledging the hole settles it at once: a response never goes ahead of its lost request", () => {
    const next = 'GET /next HTTP/1.1\r\n\r\n';
    const { flows } = reassemble([
      ...handshake(100),
      serverAck(10), // the request itself was lost
      [11, { ...S, seq: 9001, ack: 101 + REQ.length, flags: 'PA', payload: RESP }],
      [12, { ...C, seq: 101 + REQ.length, ack: 9001 + RESP.length, flags: 'PA', payload: next }],
    ]);
    expect(flows[0]!.log).toEqual([`gap request ${REQ.length}`, `s:${RESP}`, `q:${next}`, 'end eof']);
  });

  it("a FIN captured after the peer's data that acknowledges it is not a gap (pipelining clients close early)", () => {
    const finAt = 101 + REQ.length;
    const { flows, stats } = reassemble([
      ...handshake(100),
      [10, { ...C, seq: 101, ack: 9001, flags: 'PA', payload: REQ }],
      [12, { ...S, seq: 9001, ack: finAt + 1, flags: 'PA', payload: RESP }],
      [11, { ...C, seq: finAt, ack: 9001, flags: 'FA' }],
      [13, { ...S, seq: 9001 + RESP.length, ack: finAt + 1, flags: 'FA' }],
      [14, { ...C, seq: finAt + 1, ack: 9002 + RESP.length, flags: 'A' }],
    ]);
    expect(flows[0]!.log).toEqual([`q:${REQ}`, `s:${RESP}`, 'fin request', 'fin response', 'end fin']);
    expect(stats.gaps).toBe(0);
  });

  it('a SYN-ACK captured before the SYN still makes the SYN sender the client', () => {
    const { flows, stats } = reassemble([handshake(100)[1]!, handshake(100)[0]!, req(0, 10), serverAck(11, 101 + p[0]![1].length), req(1, 12), req(2, 13)]);
    expect(flows.map((f) => f.info.connection)).toEqual([{ clientIp: '10.0.0.1', clientPort: 40000, serverIp: '10.0.0.2', serverPort: 80 }]);
    expect(flows[0]!.log).toEqual([`q:${REQ}`, 'end eof']);
    expect(stats.gaps).toBe(0);
  });

  it('a FIN captured before the last data, and its ACK too: the data is kept and the flow ends as finished', () => {
    const finAt = 101 + REQ.length;
    const { flows, stats } = reassemble([
      ...handshake(100),
      req(0, 10),
      [11, { ...C, seq: finAt, ack: 9001, flags: 'FA' }],
      [12, { ...S, seq: 9001, ack: finAt + 1, flags: 'A' }],
      req(1, 10),
      req(2, 11),
      [13, { ...S, seq: 9001, ack: finAt + 1, flags: 'PA', payload: RESP }],
      [14, { ...S, seq: 9001 + RESP.length, ack: finAt + 1, flags: 'FA' }],
      [15, { ...C, seq: finAt + 1, ack: 9002 + RESP.length, flags: 'A' }],
    ]);
    expect(flows[0]!.log).toEqual([`q:${REQ}`, 'fin request', `s:${RESP}`, 'fin response', 'end fin']);
    expect(stats.gaps).toBe(0);
  });

  it("the server's last data captured after its FIN and the client's final ACK is kept", () => {
    const finAt = 101 + REQ.length;
    const sFin = 9001 + RESP.length;
    const { flows, stats } = reassemble([
      ...handshake(100),
      [10, { ...C, seq: 101, ack: 9001, flags: 'PA', payload: REQ }],
      [11, { ...C, seq: finAt, ack: 9001, flags: 'FA' }],
      [13, { ...S, seq: sFin, ack: finAt + 1, flags: 'FA' }],
      [14, { ...C, seq: finAt + 1, ack: sFin + 1, flags: 'A' }],
      [12, { ...S, seq: 9001, ack: finAt + 1, flags: 'PA', payload: RESP }],
    ]);
    expect(flows[0]!.log).toEqual([`q:${REQ}`, 'fin request', `s:${RESP}`, 'fin response', 'end fin']);
    expect(stats.gaps).toBe(0);
  });
});
