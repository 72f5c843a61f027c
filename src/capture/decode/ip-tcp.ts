import type { RawPacket } from '../pcap/packet.js';
import { ipOffset, UNKNOWN_LINK } from './link.js';
import { Skip, type Segment } from './segment.js';

const TCP = 6;

/**
 * Decodes link → IPv4/IPv6 → TCP into `seg` (offsets only). IPv4 fragments and IPv6 Fragment headers are
 * detected and reported as Skip.Fragment, not reassembled: HTTP over TCP on a sane path never fragments
 * (TCP sizes segments to the MSS and sets DF), so reassembly would cost more than it recovers.
 */
export function decodeSegment(pkt: RawPacket, seg: Segment): Skip {
  const buf = pkt.buf;
  const end = pkt.end;
  const at = ipOffset(pkt.linkType, buf, pkt.start, end);
  if (at < 0) return at === UNKNOWN_LINK ? Skip.UnknownLink : Skip.NotTcp;
  if (at + 1 > end) return Skip.Truncated;
  const version = buf[at]! >> 4;
  let p: number; // TCP header offset
  let wireEnd: number; // end of the IP payload on the wire
  if (version === 4) {
    if (at + 20 > end) return Skip.Truncated;
    const ihl = (buf[at]! & 15) * 4;
    const total = (buf[at + 2]! << 8) | buf[at + 3]!;
    const frag = ((buf[at + 6]! << 8) | buf[at + 7]!) & 0x3fff; // MF flag + offset
    if (frag !== 0) return Skip.Fragment;
    if (buf[at + 9] !== TCP) return Skip.NotTcp;
    if (ihl < 20 || (total !== 0 && total < ihl)) return Skip.NotTcp;
    seg.family = 4;
    seg.srcAt = at + 12;
    seg.dstAt = at + 16;
    p = at + ihl;
    // A zero total length is what segmentation offload leaves in locally captured packets.
    wireEnd = total !== 0 ? at + total : pkt.start + pkt.origLen;
  } else if (version === 6) {
    if (at + 40 > end) return Skip.Truncated;
    const payload = (buf[at + 4]! << 8) | buf[at + 5]!;
    seg.family = 6;
    seg.srcAt = at + 8;
    seg.dstAt = at + 24;
    wireEnd = payload !== 0 ? at + 40 + payload : pkt.start + pkt.origLen;
    let next = buf[at + 6]!;
    p = at + 40;
    for (let hops = 0; next !== TCP; hops++) {
      if (hops > 8 || p + 8 > end) return hops > 8 ? Skip.NotTcp : Skip.Truncated;
      if (next === 0 || next === 43 || next === 60) {
        next = buf[p]!;
        p += (buf[p + 1]! + 1) * 8;
      } else if (next === 44) {
        const offM = (buf[p + 2]! << 8) | buf[p + 3]!;
        if ((offM & 0xfff9) !== 0) return Skip.Fragment; // offset or M set; else an atomic fragment
        next = buf[p]!;
        p += 8;
      } else if (next === 51) {
        next = buf[p]!;
        p += (buf[p + 1]! + 2) * 4;
      } else return Skip.NotTcp;
    }
  } else return Skip.NotTcp;
  if (p + 20 > end) return Skip.Truncated;
  const dataOff = (buf[p + 12]! >> 4) * 4;
  if (dataOff < 20 || p + dataOff > wireEnd) return Skip.NotTcp;
  if (p + dataOff > end) return Skip.Truncated;
  seg.srcPort = (buf[p]! << 8) | buf[p + 1]!;
  seg.dstPort = (buf[p + 2]! << 8) | buf[p + 3]!;
  seg.seq = buf.readUInt32BE(p + 4);
  seg.ack = buf.readUInt32BE(p + 8);
  seg.flags = buf[p + 13]!;
  seg.payStart = p + dataOff;
  seg.payLen = wireEnd - seg.payStart;
  seg.payEnd = Math.min(end, wireEnd);
  return Skip.None;
}
