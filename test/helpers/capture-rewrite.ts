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

/**
 * The records without the data segments whose bytes their direction already carried: retransmissions,
 * which a loaded machine makes even on lo. Reordering a run could put such a copy, with its later
 * timestamp, before the first one, and the exchange would rightly end at the copy's time; without them a
 * rewrite changes the order of packets, not what was first seen when.
 */
export function withoutRetransmissions(recs: Rec[], linkType: number): Rec[] {
  const dataOf = dataSegments(linkType);
  const top = new Map<string, number>(); // direction → end of the highest byte seen (sequence space, mod 2^32)
  return recs.filter((r) => {
    const seg = dataOf(r);
    if (!seg) return true;
    const end = (seg.seq + seg.payLen) >>> 0;
    const seen = top.get(seg.direction);
    if (seen !== undefined && ((end - seen) | 0) <= 0) return false;
    top.set(seg.direction, end);
    return true;
  });
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

/** The records cut into runs: each run of consecutive data segments of one direction, and each other packet alone. */
export function dataRuns(recs: Rec[], linkType: number): PacketRun[] {
  const dataOf = dataSegments(linkType);
  const keyOf = (r: Rec): string | undefined => dataOf(r)?.direction;
  const runs: PacketRun[] = [];
  for (let i = 0; i < recs.length; ) {
    const key = keyOf(recs[i]!);
    let j = i + 1;
    if (key !== undefined) while (j < recs.length && keyOf(recs[j]!) === key) j++;
    runs.push({ data: key !== undefined, recs: recs.slice(i, j) });
    i = j;
  }
  return runs;
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
