import type { RawPacket } from '../pcap/packet.js';
import { Encap, unwrap, type Inner } from './encap.js';
import { ipOffset, UNKNOWN_LINK } from './link.js';
import { Skip, type Segment } from './segment.js';
import { viewOf } from '../bytes.js';

const TCP = 6;
/** Tunnels inside tunnels: enough for VXLAN over GRE, bounded so crafted packets cannot loop. */
const MAX_DEPTH = 3;
const inner: Inner = { kind: Encap.None, tunnel: 0, ipAt: -1 };

/**
 * Decodes link → IPv4/IPv6 → TCP into `seg` (offsets only), unwrapping VXLAN, GRE and ERSPAN on the way
 * (seg.zone says which). IPv4 fragments and IPv6 Fragment headers are detected and reported as
 * Skip.Fragment, not reassembled: HTTP over TCP on a sane path never fragments (TCP sizes segments to the
 * MSS and sets DF), so reassembly would cost more than it recovers.
 */
export function decodeSegment(pkt: RawPacket, seg: Segment): Skip {
  seg.zone = 0;
  const at = ipOffset(pkt.linkType, pkt.buf, pkt.start, pkt.end);
  if (at < 0) return at === UNKNOWN_LINK ? Skip.UnknownLink : Skip.NotTcp;
  return decodeIp(pkt.buf, viewOf(pkt.buf), at, pkt.end, pkt.start + pkt.origLen, seg, 0);
}

/** The IP packet at buf[at..) (captured up to `end`; `frameEnd` is where its frame ends on the wire). */
function decodeIp(buf: Buffer, v: DataView, at: number, end: number, frameEnd: number, seg: Segment, depth: number): Skip {
  if (at + 1 > end) return Skip.Truncated;
  const version = buf[at]! >> 4;
  let p: number; // payload (TCP header) offset
  let wireEnd: number; // end of the IP payload on the wire
  let proto: number;
  if (version === 4) {
    if (at + 20 > end) return Skip.Truncated;
    const ihl = (buf[at]! & 15) * 4;
    const total = v.getUint16(at + 2);
    const frag = v.getUint16(at + 6) & 0x3fff; // MF flag + offset
    if (frag !== 0) return Skip.Fragment;
    if (ihl < 20 || (total !== 0 && total < ihl)) return Skip.NotTcp;
    proto = buf[at + 9]!;
    seg.family = 4;
    seg.srcAt = at + 12;
    seg.dstAt = at + 16;
    p = at + ihl;
    // A zero total length is what segmentation offload leaves in locally captured packets.
    wireEnd = total !== 0 ? at + total : frameEnd;
  } else if (version === 6) {
    if (at + 40 > end) return Skip.Truncated;
    const payload = v.getUint16(at + 4);
    seg.family = 6;
    seg.srcAt = at + 8;
    seg.dstAt = at + 24;
    wireEnd = payload !== 0 ? at + 40 + payload : frameEnd;
    proto = buf[at + 6]!;
    p = at + 40;
    for (let hops = 0; proto === 0 || proto === 43 || proto === 44 || proto === 51 || proto === 60; hops++) {
      if (hops > 8 || p + 8 > end) return hops > 8 ? Skip.NotTcp : Skip.Truncated;
      if (proto === 44) {
        const offM = (buf[p + 2]! << 8) | buf[p + 3]!;
        if ((offM & 0xfff9) !== 0) return Skip.Fragment; // offset or M set; else an atomic fragment
        proto = buf[p]!;
        p += 8;
      } else if (proto === 51) {
        proto = buf[p]!;
        p += (buf[p + 1]! + 2) * 4;
      } else {
        proto = buf[p]!;
        p += (buf[p + 1]! + 1) * 8;
      }
    }
  } else return Skip.NotTcp;
  if (proto !== TCP) return depth < MAX_DEPTH ? decodeTunnel(proto, buf, v, p, Math.min(end, wireEnd), wireEnd, seg, depth) : Skip.NotTcp;
  return decodeTcp(buf, v, p, end, wireEnd, seg);
}

function decodeTunnel(proto: number, buf: Buffer, v: DataView, p: number, end: number, wireEnd: number, seg: Segment, depth: number): Skip {
  const t = unwrap(proto, buf, p, end, inner);
  if (!t) return Skip.NotTcp;
  // Exact (below 2^53): the kind in the high part, the tunnel's own key in the low 32 bits.
  seg.zone = t.kind * 4294967296 + (t.tunnel >>> 0);
  if (t.ipAt < 0) return Skip.NotTcp;
  return decodeIp(buf, v, t.ipAt, end, wireEnd, seg, depth + 1);
}

function decodeTcp(buf: Buffer, v: DataView, p: number, end: number, wireEnd: number, seg: Segment): Skip {
  if (p + 20 > end) return Skip.Truncated;
  const dataOff = (buf[p + 12]! >> 4) * 4;
  if (dataOff < 20 || p + dataOff > wireEnd) return Skip.NotTcp;
  if (p + dataOff > end) return Skip.Truncated;
  seg.srcPort = v.getUint16(p);
  seg.dstPort = v.getUint16(p + 2);
  seg.seq = v.getUint32(p + 4);
  seg.ack = v.getUint32(p + 8);
  seg.flags = buf[p + 13]!;
  seg.payStart = p + dataOff;
  seg.payLen = wireEnd - seg.payStart;
  seg.payEnd = Math.min(end, wireEnd);
  return Skip.None;
}
