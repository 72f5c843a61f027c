// Rewriting real captures (reordered, duplicated, lost segments): the packets of a file as records, and
// the runs of consecutive data segments of one direction of one connection, which a rewrite moves as a unit.
import { decodeSegment } from '../../src/capture/decode/ip-tcp.js';
import { newSegment, Skip, type Segment } from '../../src/capture/decode/segment.js';
import { fileChunks } from '../../src/capture/pcap/file-chunks.js';
import { readPackets, type ReaderState } from '../../src/capture/pcap/reader.js';
import type { Rec } from './capture-packets.js';

/** Every packet of a pcap/pcapng file, copied out, with the file's link type. */
export async function readRecords(file: string): Promise<{ recs: Rec[]; linkType: number }> {
  const recs: Rec[] = [];
  const state: ReaderState = { bytesRead: 0 };
  const onPacket = (p: { tsUs: number; buf: Buffer; start: number; end: number; origLen: number }): void => void recs.push({ tsUs: p.tsUs, data: Buffer.from(p.buf.subarray(p.start, p.end)), origLen: p.origLen });
  for await (const _ of readPackets(fileChunks(file, 1 << 16), file, onPacket, { state }));
  return { recs, linkType: state.linkType! };
}

/** A run of packets in capture order; `data` when they are data segments of one direction of one connection. */
export interface PacketRun {
  data: boolean;
  recs: Rec[];
}

/** A reader of records as data segments: the segment with its direction (source address and ports), or undefined for a packet without payload or not TCP. */
function dataSegments(linkType: number): (r: Rec) => (Segment & { direction: string }) | undefined {
  const seg = newSegment();
  return (r) => {
    const skip = decodeSegment({ linkType, tsUs: r.tsUs, buf: r.data, start: 0, end: r.data.length, origLen: r.origLen ?? r.data.length, iface: 0 }, seg);
    if (skip !== Skip.None || seg.payLen === 0) return undefined;
    return Object.assign(seg, { direction: `${r.data.toString('hex', seg.srcAt, seg.srcAt + 4)}:${seg.srcPort}>${seg.dstPort}` });
  };
}

/**
 * The records cut into runs: each run of consecutive data segments of one direction, and each other packet
 * alone. With `repeatsAlone`, a data segment carrying any byte its direction carried before (a
 * retransmission, whole or in part) counts as another packet: a rewrite that moves runs then moves only
 * segments of bytes seen for the first time, which no other segment of their run overlaps, so every byte
 * is still first carried by the same packet, at the same time.
 */
export function dataRuns(recs: Rec[], linkType: number, opts: { repeatsAlone?: boolean } = {}): PacketRun[] {
  const dataOf = dataSegments(linkType);
  const carried = new Map<string, Carried>();
  const keys = recs.map((r): string | undefined => {
    const seg = dataOf(r);
    if (!seg || !opts.repeatsAlone) return seg?.direction;
    let c = carried.get(seg.direction);
    if (!c) carried.set(seg.direction, (c = new Carried(seg.seq)));
    return c.add(seg.seq, seg.payLen) ? seg.direction : undefined;
  });
  const runs: PacketRun[] = [];
  for (let i = 0; i < recs.length; ) {
    const key = keys[i];
    let j = i + 1;
    if (key !== undefined) while (j < recs.length && keys[j] === key) j++;
    runs.push({ data: key !== undefined, recs: recs.slice(i, j) });
    i = j;
  }
  return runs;
}

/**
 * The byte ranges one direction carried, as sorted disjoint [start, end) offsets from its first segment's
 * sequence number. Ranges, not the highest byte seen: a segment recorded after the next one (tcpdump on
 * lo records packets as each CPU's backlog delivers them) ends below that byte and repeats nothing.
 */
class Carried {
  private readonly ranges: [number, number][] = [];

  constructor(private readonly base: number) {}

  /** Notes seq..seq+len; true when none of it was carried before. */
  add(seq: number, len: number): boolean {
    const start = (seq - this.base) | 0;
    const end = start + len;
    const r = this.ranges;
    let i = r.length;
    while (i > 0 && r[i - 1]![0] > start) i--; // r[i - 1] is the last range starting at or before `start`
    const fresh = (i === 0 || r[i - 1]![1] <= start) && (i === r.length || end <= r[i]![0]);
    r.splice(i, 0, [start, end]);
    for (let k = Math.max(i - 1, 0); k + 1 < r.length; ) {
      if (r[k]![1] >= r[k + 1]![0]) r.splice(k, 2, [r[k]![0], Math.max(r[k]![1], r[k + 1]![1])]);
      else if (k >= i) break;
      else k++;
    }
    return fresh;
  }
}

/** A small seeded PRNG (mulberry32): the same rewrite for the same seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What `tcpdump -i any` on several CPUs does to a capture: adjacent packets swapped (with probability
 * `rate` per pair), only pairs where one carries no payload (a pure ACK, SYN or FIN) — the reorderings
 * that put an acknowledgement before the data it acknowledges. Timestamps travel with their packets.
 */
export function swapAroundBarePackets(recs: Rec[], linkType: number, rate: number, seed: number): { out: Rec[]; swaps: number } {
  const seg = newSegment();
  const bare = (r: Rec): boolean => decodeSegment({ linkType, tsUs: r.tsUs, buf: r.data, start: 0, end: r.data.length, origLen: r.origLen ?? r.data.length, iface: 0 }, seg) === Skip.None && seg.payLen === 0;
  const rnd = seeded(seed);
  const out = recs.slice();
  let swaps = 0;
  for (let i = 0; i + 1 < out.length; i++) {
    if ((bare(out[i]!) || bare(out[i + 1]!)) && rnd() < rate) {
      [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
      swaps++;
      i++; // each packet moves at most one place
    }
  }
  return { out, swaps };
}
