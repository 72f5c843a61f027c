// Classic pcap records → link → IPv4/IPv6 → TCP (mirrors src/capture/pcap/classic.ts and
// src/capture/decode/{link,ip-tcp}.ts). Packets this cannot decode are skipped exactly as there.
import { setSegment } from './flows';

const TCP: i32 = 6;

@inline function u8at(p: usize): i32 {
  return <i32>load<u8>(p);
}

@inline function be16(p: usize): i32 {
  return (u8at(p) << 8) | u8at(p + 1);
}

/** Where the IP header starts, or 0 when the frame does not carry IPv4/IPv6 (ipOffset in link.ts). */
function ipOffset(linkType: i32, start: usize, end: usize): usize {
  if (linkType == 1) {
    let at = start + 12;
    for (let tags = 0; at + 2 <= end && tags < 4; tags++) {
      const type = be16(at);
      if (type == 0x0800 || type == 0x86dd) return at + 2;
      if (type != 0x8100 && type != 0x88a8 && type != 0x9100) return 0;
      at += 4;
    }
    return 0;
  }
  if (linkType == 113) return ethertypeAt(start + 14, end) ? start + 16 : 0;
  if (linkType == 276) return ethertypeAt(start, end) ? start + 20 : 0;
  if (linkType == 0 || linkType == 108) return start + 4;
  return start; // raw IP (12, 14, 101, 228, 229): the only others supportedLink() lets in
}

function ethertypeAt(at: usize, end: usize): bool {
  if (at + 2 > end) return false;
  const type = be16(at);
  return type == 0x0800 || type == 0x86dd;
}

export function supportedLink(linkType: i32): bool {
  return linkType == 0 || linkType == 1 || linkType == 12 || linkType == 14 || linkType == 101 || linkType == 108 || linkType == 113 || linkType == 228 || linkType == 229 || linkType == 276;
}

/** decodeSegment: true when the packet is a TCP segment (then setSegment has its fields). */
export function decode(linkType: i32, start: usize, end: usize, origLen: i32): bool {
  const at = ipOffset(linkType, start, end);
  if (at == 0 || at + 1 > end) return false;
  const version = u8at(at) >> 4;
  let p: usize;
  let wireEnd: usize;
  let fam: i32;
  let src: usize;
  let dst: usize;
  if (version == 4) {
    if (at + 20 > end) return false;
    const ihl = (u8at(at) & 15) * 4;
    const total = be16(at + 2);
    if ((be16(at + 6) & 0x3fff) != 0) return false; // a fragment: counted and skipped there
    if (u8at(at + 9) != TCP) return false;
    if (ihl < 20 || (total != 0 && total < ihl)) return false;
    fam = 4;
    src = at + 12;
    dst = at + 16;
    p = at + <usize>ihl;
    wireEnd = total != 0 ? at + <usize>total : start + <usize>origLen;
  } else if (version == 6) {
    if (at + 40 > end) return false;
    const payload = be16(at + 4);
    fam = 6;
    src = at + 8;
    dst = at + 24;
    wireEnd = payload != 0 ? at + 40 + <usize>payload : start + <usize>origLen;
    let next = u8at(at + 6);
    p = at + 40;
    for (let hops = 0; next != TCP; hops++) {
      if (hops > 8 || p + 8 > end) return false;
      if (next == 0 || next == 43 || next == 60) {
        next = u8at(p);
        p += <usize>((u8at(p + 1) + 1) * 8);
      } else if (next == 44) {
        if ((be16(p + 2) & 0xfff9) != 0) return false;
        next = u8at(p);
        p += 8;
      } else if (next == 51) {
        next = u8at(p);
        p += <usize>((u8at(p + 1) + 2) * 4);
      } else return false;
    }
  } else return false;
  if (p + 20 > end) return false;
  const dataOff = <usize>((u8at(p + 12) >> 4) * 4);
  if (dataOff < 20 || p + dataOff > wireEnd) return false;
  if (p + dataOff > end) return false;
  const payStart = p + dataOff;
  const payEnd = end < wireEnd ? end : wireEnd;
  setSegment(fam, src, dst, be16(p), be16(p + 2), bswap<u32>(load<u32>(p + 4)), bswap<u32>(load<u32>(p + 8)), u8at(p + 13), payStart, payEnd, <i32>(wireEnd - payStart));
  return true;
}
