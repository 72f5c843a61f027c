import { formatAddress } from './decode/address.js';
import { decodeSegment } from './decode/ip-tcp.js';
import { ACK, FIN, RST, SYN, Skip, newSegment } from './decode/segment.js';
import type { RawPacket } from './pcap/packet.js';
import { Flow } from './tcp/flow.js';
import { addressWords, FlowTable, tupleHash } from './tcp/flow-table.js';
import type { Budget } from './tcp/half-stream.js';
import { newCaptureStats, type CaptureStats, type EndReason, type SinkFactory } from './tcp/stream-sink.js';

/**
 * Limits that keep memory bounded whatever the capture holds. When a limit is reached the capture goes
 * on and says so (stats.memoryLimitHits, a 'gap' on the exchanges concerned): out-of-order bytes over a
 * limit make reassembly give up on the oldest hole (declared as a gap); more open flows than maxFlows
 * end the oldest one (its exchanges flushed, flagged as the HTTP layer sees fit).
 */
export interface CaptureLimits {
  /** Out-of-order bytes held per direction of a flow (default 1 MiB). */
  maxBufferedPerDirection: number;
  /** Out-of-order bytes held across all flows (default 64 MiB). */
  maxBufferedTotal: number;
  /** Open flows (default 200 000). */
  maxFlows: number;
  /** A flow silent this long, in packet time, is ended as idle (default 300 s). */
  idleUs: number;
  /** A closed flow's tuple is remembered this long, to absorb late packets (default 30 s). */
  lingerUs: number;
}

export const DEFAULT_LIMITS: CaptureLimits = {
  maxBufferedPerDirection: 1 << 20,
  maxBufferedTotal: 64 << 20,
  maxFlows: 200_000,
  idleUs: 300_000_000,
  lingerUs: 30_000_000,
};

export interface PipelineOptions {
  /** Server ports: packets on other ports are ignored; the side on one of these ports is the server. */
  ports?: readonly number[];
  sinkFactory: SinkFactory;
  stats?: CaptureStats;
  limits?: Partial<CaptureLimits>;
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * Packets in, TCP byte streams out: decode, find or start the flow, feed its two halves, expire idle
 * flows by packet time. Exchanges leave through whatever the sink factory's sinks emit.
 *
 * OUTPUT ORDER (the rule every output of a capture follows; decided here and nowhere else): an exchange
 * is emitted at the packet that completes it (its request whole and its final response whole; in request
 * order within a flow, so pipelined requests keep theirs), so exchanges come out in packet order of what
 * completes them. Exchanges still open when their flow ends are emitted at that end: FIN from both sides
 * at that packet; RST or idleness at the next once-a-second sweep of packet time; the end of the input.
 * Flows that end at one moment (a sweep, the end of input, eviction of the oldest) end in the order they
 * started (first packet seen): `byStart`, an insertion-ordered Set by that definition, never the flow
 * table's order. The reader thread (--threads 2) reassembles with this same pipeline and the main
 * thread replays its sink calls in order, so its output order is this one.
 * Held by test/capture/flow-order.test.ts.
 */
export class CapturePipeline {
  readonly stats: CaptureStats;
  private readonly limits: CaptureLimits;
  /** Server ports as a table by port number (1: a server port), looked up twice per packet; undefined: any. */
  private readonly ports: Uint8Array | undefined;
  private readonly flows = new FlowTable();
  /**
   * The flows of the table in the order they started: when several end at one moment (end of input, one
   * sweep), they end, and their exchanges are written, in this order; eviction takes the first open one.
   */
  private readonly byStart = new Set<Flow>();
  private readonly budget: Budget;
  private readonly seg = newSegment();
  private lastTsUs = 0;
  private nextSweepUs = 0;
  private open = 0;
  private readonly unknownLinkTypes = new Set<number>();
  /** Set by flowOf(): whether the current packet travels client→server. */
  private fromClient = false;

  constructor(private readonly opts: PipelineOptions) {
    this.stats = opts.stats ?? newCaptureStats();
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.ports = opts.ports && opts.ports.length > 0 ? portTable(opts.ports) : undefined;
    this.budget = { used: 0, max: this.limits.maxBufferedTotal, perDirection: this.limits.maxBufferedPerDirection };
  }

  readonly onPacket = (pkt: RawPacket): void => {
    const stats = this.stats;
    const seg = this.seg;
    stats.packets++;
    stats.bytes += pkt.origLen;
    if (pkt.tsUs > this.lastTsUs) this.lastTsUs = pkt.tsUs;
    if (this.lastTsUs >= this.nextSweepUs || stats.packets <= SWEEP_WARMUP) this.sweep();
    const skip = decodeSegment(pkt, seg);
    if (seg.zone !== 0) stats.decapsulated++; // a zone is set whenever a tunnel was unwrapped
    if (skip !== Skip.None) return this.skipped(skip, pkt.linkType);
    if (this.ports && this.ports[seg.srcPort] === 0 && this.ports[seg.dstPort] === 0) return;
    const flow = this.flowOf(pkt);
    if (!flow) return;
    if (seg.payEnd < seg.payStart + seg.payLen) stats.truncatedPackets++;
    flow.lastTsUs = pkt.tsUs;
    const flags = seg.flags;
    if (flags & RST) {
      // Ended at the next sweep, not now: the peer's last data can follow the RST in the capture
      // (each side's kernel sent before it saw the other's), and tshark shows that data too.
      flow.resetAtUs ??= pkt.tsUs;
      return;
    }
    const fromClient = this.fromClient;
    if (flags & ACK) (fromClient ? flow.response : flow.request).acked(seg.ack, pkt.tsUs, seg.payLen > 0);
    const seq = flags & SYN ? (seg.seq + 1) >>> 0 : seg.seq; // data on a SYN (TCP Fast Open) follows it
    const payEnd = seg.payEnd > seg.payStart ? seg.payEnd : seg.payStart;
    const ack = flags & ACK ? (fromClient ? flow.response : flow.request).offsetOf(seg.ack) : -1;
    (fromClient ? flow.request : flow.response).segment(seq, pkt.buf, seg.payStart, payEnd, seg.payLen, (flags & FIN) !== 0, pkt.tsUs, ack);
    if (flow.bothClosed) {
      flow.end('fin', pkt.tsUs);
      this.open--;
    }
  };

  /** The live flow of the decoded segment, started when this packet begins one; sets this.fromClient. */
  private flowOf(pkt: RawPacket): Flow | undefined {
    const seg = this.seg;
    const hash = tupleHash(pkt.buf, seg);
    const found = this.flows.find(pkt.buf, seg, hash);
    let flow = found?.flow;
    this.fromClient = found?.fromClient ?? false;
    if (seg.flags & SYN) {
      const clientSyn = (seg.flags & ACK) === 0;
      // A SYN with the ISN already known for this tuple is a copy (a retransmission, or the same packet
      // captured on a second interface, even after the flow ended). Any other SYN on a known tuple means it
      // was reused (ports recycle fast under load): the old flow ends and a new one starts.
      const half = flow && (this.fromClient ? flow.request : flow.response);
      if (flow && half!.isn === seg.seq) return flow.ended ? undefined : flow;
      if (flow && (flow.ended || half!.isn !== undefined || (clientSyn && flow.request.started))) {
        this.retire(flow, 'fin', pkt.tsUs);
        flow = undefined;
      }
      if (!flow) {
        this.fromClient = clientSyn;
        flow = this.start(pkt.buf, hash, clientSyn, pkt.tsUs);
      }
      if (clientSyn === this.fromClient) (clientSyn ? flow.request : flow.response).syn(seg.seq);
      return flow;
    }
    if (flow) return flow.ended ? undefined : flow;
    if (seg.payLen === 0 || seg.flags & RST) return undefined; // a bare ACK/FIN/RST of a flow we never saw
    this.fromClient = this.srcIsClient();
    return this.start(pkt.buf, hash, this.fromClient, pkt.tsUs);
  }

  private skipped(skip: Skip, linkType: number): void {
    const stats = this.stats;
    if (skip === Skip.Fragment) stats.ipFragments++;
    else if (skip === Skip.Truncated) stats.truncatedPackets++;
    else stats.nonTcpPackets++;
    if (skip === Skip.UnknownLink && !this.unknownLinkTypes.has(linkType)) {
      this.unknownLinkTypes.add(linkType);
      this.opts.onWarning?.(`link type ${linkType} is not decoded (supported: Ethernet, Linux SLL/SLL2, Linux NFLOG, BSD NULL/LOOP, raw IP); its packets are skipped`);
    }
  }

  /** End of input: every flow still open ends with reason 'eof'. */
  finish(): void {
    for (const f of this.byStart) this.retire(f, f.resetAtUs !== undefined ? 'rst' : 'eof', this.lastTsUs);
  }

  private srcIsClient(): boolean {
    const { srcPort, dstPort } = this.seg;
    if (this.ports) return this.ports[dstPort] === 1 || this.ports[srcPort] === 0;
    return srcPort !== dstPort ? srcPort > dstPort : true; // the ephemeral (higher) port is the client's
  }

  private start(buf: Buffer, hash: number, srcIsClient: boolean, tsUs: number): Flow {
    const seg = this.seg;
    if (this.open >= this.limits.maxFlows) this.evictOldest(tsUs);
    const [ca, sa, cp, sp] = srcIsClient ? [seg.srcAt, seg.dstAt, seg.srcPort, seg.dstPort] : [seg.dstAt, seg.srcAt, seg.dstPort, seg.srcPort];
    const connection = { clientIp: formatAddress(buf, ca, seg.family), clientPort: cp, serverIp: formatAddress(buf, sa, seg.family), serverPort: sp };
    this.stats.flows++;
    const flow = new Flow(String(this.stats.flows), hash, addressWords(buf, ca, seg.family), addressWords(buf, sa, seg.family), cp, sp, seg.zone, connection, this.opts.sinkFactory, this.stats, this.budget, tsUs);
    this.flows.add(flow);
    this.byStart.add(flow);
    this.open++;
    return flow;
  }

  private retire(flow: Flow, reason: EndReason, tsUs: number): void {
    if (!flow.ended) {
      flow.end(reason, tsUs);
      this.open--;
    }
    this.flows.delete(flow);
    this.byStart.delete(flow);
  }

  private evictOldest(tsUs: number): void {
    for (const f of this.byStart) {
      if (f.ended) continue;
      this.stats.memoryLimitHits++;
      this.retire(f, 'memory', tsUs);
      return;
    }
  }

  /** Once per second of packet time: end idle flows, forget closed ones past their linger time. */
  private sweep(): void {
    const now = this.lastTsUs;
    if (now < this.nextSweepUs) return; // a call of the first packets (see SWEEP_WARMUP), not due
    this.nextSweepUs = now + 1_000_000;
    for (const f of this.byStart) {
      const idle = now - f.lastTsUs;
      if (!f.ended && f.holding) {
        if (f.settle(now)) {
          f.end('fin', now);
          this.open--;
          continue;
        }
      }
      if (!f.ended && f.resetAtUs !== undefined) {
        f.end('rst', now);
        this.open--;
      } else if (f.ended ? idle > this.limits.lingerUs : idle > this.limits.idleUs) this.retire(f, 'idle', now);
    }
  }
}

/**
 * The first packets call sweep(), which returns until a sweep is due. The first sweep (packet 1) runs
 * before V8 records type feedback for onPacket (from about its 16th call), and the next is a second of
 * packet time later, after onPacket is optimized: a call site without feedback there deoptimized onPacket,
 * the costliest compile of a capture, and it was compiled again. Calls on a few dozen packets give the
 * call feedback, yet too few to make it worth inlining sweep() (a rare call stays a call).
 */
const SWEEP_WARMUP = 48;

function portTable(ports: readonly number[]): Uint8Array {
  const table = new Uint8Array(65536);
  for (const p of ports) if (Number.isInteger(p) && p >= 0 && p < 65536) table[p] = 1;
  return table;
}
