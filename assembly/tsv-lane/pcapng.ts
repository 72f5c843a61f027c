// pcapng blocks (mirrors src/capture/pcap/pcapng.ts) for the usual files: Section Header, Interface
// Description (if_tsresol a power of ten) and Enhanced Packet Blocks; anything the JS reader would call
// damaged, and the rarer blocks and options (SPB, obsolete PB, if_tsoffset, power-of-two resolutions),
// make the lane bail.
import { Bail, bail, bailCode } from './state';
import { decode, supportedLink } from './packet';
import { onSegment, tick } from './flows';

const SHB: u32 = 0x0a0d0d0a;
const MAX_BLOCK: u32 = 16 * 1024 * 1024;
const MAX_IFACES: i32 = 256;
/** 2^53: past it the JS reader's doubles round; the lane leaves such times to it. */
const EXACT: u64 = 9007199254740992;

let le = true;
let ifaceCount: i32 = 0;
let ifaces: usize = 0; // per interface: link type (i32), then the divisor to µs (i32)

export function initPcapng(): void {
  ifaces = heap.alloc(<usize>MAX_IFACES * 8);
}

@inline function u32at(p: usize): u32 {
  const v = load<u32>(p);
  return le ? v : bswap<u32>(v);
}

@inline function u16at(p: usize): i32 {
  const v = load<u16>(p);
  return <i32>(le ? v : bswap<u16>(v));
}

/** Parses the whole blocks in buf[0..len); returns the bytes consumed. */
export function feedPcapng(buf: usize, len: i32, capacity: i32): i32 {
  let off = 0;
  while (len - off >= 12 && bailCode == 0) {
    const b = buf + <usize>off;
    const type = u32at(b);
    if (type == SHB) {
      const bom = load<u32>(b + 8);
      if (bom == 0x1a2b3c4d) le = true;
      else if (bom == 0x4d3c2b1a) le = false;
      else {
        bail(Bail.Record);
        break;
      }
    }
    const blen = u32at(b + 4);
    if (blen < 12 || blen % 4 != 0 || blen > MAX_BLOCK || <i64>blen > <i64>capacity) {
      bail(Bail.Record);
      break;
    }
    if (len - off < <i32>blen) break;
    if (u32at(b + <usize>blen - 4) != blen) {
      bail(Bail.Record);
      break;
    }
    block(type, b + 8, b + <usize>blen - 4);
    off += <i32>blen;
  }
  return off;
}

function block(type: u32, body: usize, end: usize): void {
  if (type == SHB) ifaceCount = 0;
  else if (type == 1 && end - body >= 8) iface(body, end);
  else if (type == 6 && end - body >= 20) packet(body, end);
  else if ((type == 2 && end - body >= 20) || (type == 3 && end - body >= 4)) bail(Bail.Record);
}

function iface(body: usize, end: usize): void {
  if (ifaceCount == MAX_IFACES) {
    bail(Bail.Record);
    return;
  }
  let div: i32 = 1;
  for (let o = body + 8; o + 4 <= end; ) {
    const code = u16at(o);
    const olen = u16at(o + 2);
    if (code == 0 || o + 4 + <usize>olen > end) break;
    if (code == 9 && olen >= 1) {
      const v = <i32>load<u8>(o + 4);
      if (v & 0x80 || v < 6 || v > 12) {
        bail(Bail.Record);
        return;
      }
      div = 1;
      for (let i = 6; i < v; i++) div *= 10;
    }
    if (code == 14 && olen >= 8) {
      bail(Bail.Record);
      return;
    }
    o += 4 + <usize>((olen + 3) & ~3);
  }
  const at = ifaces + (<usize>ifaceCount << 3);
  store<i32>(at, u16at(body));
  store<i32>(at + 4, div);
  ifaceCount++;
}

function packet(body: usize, end: usize): void {
  const id = u32at(body);
  const hi = <u64>u32at(body + 4);
  const lo = <u64>u32at(body + 8);
  const cap = u32at(body + 12);
  const orig = u32at(body + 16);
  const data = body + 20;
  if (<u64>cap > <u64>(end - data) || id >= <u32>ifaceCount || orig > MAX_BLOCK) {
    bail(Bail.Record);
    return;
  }
  const at = ifaces + (<usize>id << 3);
  const link = load<i32>(at);
  const units = (hi << 32) | lo;
  if (!supportedLink(link) || units >= EXACT) {
    bail(Bail.Record);
    return;
  }
  const ts = <i64>(units / <u64>load<i32>(at + 4));
  tick(ts);
  if (bailCode == 0 && decode(link, data, data + <usize>cap, <i32>(orig < cap ? cap : orig))) onSegment(ts);
}
