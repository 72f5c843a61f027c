// Reassembly driven packet by packet: raw-IP packets through the pipeline into sinks that log what they get.
import { CapturePipeline, type CaptureLimits } from '../../src/capture/pipeline.js';
import { newRawPacket } from '../../src/capture/pcap/packet.js';
import type { FlowInfo, TcpStreamSink } from '../../src/capture/tcp/stream-sink.js';
import { tcpPacket, type TcpSpec } from './capture-packets.js';

export type Pkt = [tsUs: number, spec: TcpSpec, cutPayloadTo?: number];

/** Feeds raw-IP packets to a pipeline whose sinks record what reassembly delivers, per flow. */
/** `finish: false` leaves the flows open, to see what was delivered before the end of the capture. */
export function reassemble(pkts: Pkt[], opts: { ports?: number[]; limits?: Partial<CaptureLimits>; finish?: boolean } = {}) {
  const flows: { info: FlowInfo; log: string[] }[] = [];
  const sinkFactory = (info: FlowInfo): TcpStreamSink => {
    const log: string[] = [];
    flows.push({ info, log });
    const push = (s: string) => {
      if (s.startsWith('q:') && log.at(-1)?.startsWith('q:')) log[log.length - 1] += s.slice(2);
      else if (s.startsWith('s:') && log.at(-1)?.startsWith('s:')) log[log.length - 1] += s.slice(2);
      else log.push(s);
    };
    return {
      data: (d, b, start, end) => push(`${d[2]}:${b.toString('utf8', start, end)}`),
      gap: (d, n) => push(`gap ${d} ${n}`),
      halfClose: (d) => push(`fin ${d}`),
      end: (r) => push(`end ${r}`),
    };
  };
  const { finish, ...pipelineOpts } = opts;
  const p = new CapturePipeline({ sinkFactory, ...pipelineOpts });
  const pkt = newRawPacket();
  pkt.linkType = 101;
  for (const [ts, spec, cut] of pkts) {
    const ip = tcpPacket(spec);
    pkt.tsUs = ts;
    pkt.buf = ip;
    pkt.start = 0;
    pkt.end = cut === undefined ? ip.length : 40 + cut;
    pkt.origLen = ip.length;
    p.onPacket(pkt);
  }
  if (finish !== false) p.finish();
  return { flows, stats: p.stats };
}

export const C = { sport: 40000, dport: 80 };
export const S = { sport: 80, dport: 40000, src: [10, 0, 0, 2], dst: [10, 0, 0, 1] };
export const REQ = 'GET /a-longer-path HTTP/1.1\r\nHost: example\r\n\r\n';

/** The request in `n` pieces: [seqOffset, text]. */
export function pieces(text: string, n: number): [number, string][] {
  const size = Math.ceil(text.length / n);
  const out: [number, string][] = [];
  for (let i = 0; i < text.length; i += size) out.push([i, text.slice(i, i + size)]);
  return out;
}

export function handshake(isn: number, sisn = 9000): Pkt[] {
  return [
    [1, { ...C, seq: isn, flags: 'S' }],
    [2, { ...S, seq: sisn, ack: isn + 1, flags: 'SA' }],
  ];
}
