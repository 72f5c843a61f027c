import { DamagedCaptureError, MAX_RECORD_BYTES, type PacketHandler, type RawPacket, type RecordParser } from './packet.js';
import { viewOf } from '../bytes.js';

import { PCAPNG_SHB } from './magic.js';

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB = 1;
const OBSOLETE_PB = 2;
const SPB = 3;
const EPB = 6;
const OPT_TSRESOL = 9;
const OPT_TSOFFSET = 14;

/** What an Interface Description Block says about its packets' link type and timestamp units. */
interface Iface {
  linkType: number;
  snapLen: number;
  /** Timestamp units per microsecond = 10^k/10^6 or 2^k/10^6; `div` integer when exact. */
  div: number;
  mulUs: number; // used when the resolution is not a power of ten ≥ 6
  offsetUs: number;
}

/**
 * pcapng (Wireshark's and dumpcap's default): Section Header Blocks in either byte order, several
 * Interface Description Blocks with if_tsresol (power-of-10 and power-of-2 forms) and if_tsoffset,
 * Enhanced, Simple and obsolete Packet Blocks. Every other block type is skipped by its length.
 */
export class PcapngParser implements RecordParser {
  readonly format = 'pcapng';
  private le = true;
  private ifaces: Iface[] = [];
  private lastTsUs = 0;

  constructor(
    private readonly pkt: RawPacket,
    private readonly onPacket: PacketHandler,
  ) {}

  parse(buf: Buffer, off: number, end: number): number {
    while (end - off >= 12) {
      const type = this.u32(buf, off);
      if (type === PCAPNG_SHB) {
        const bom = buf.readUInt32LE(off + 8);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else throw new DamagedCaptureError(`section header with byte-order magic 0x${bom.toString(16)}`, off);
      }
      const len = this.u32(buf, off + 4);
      if (len < 12 || len % 4 !== 0 || len > MAX_RECORD_BYTES) {
        throw new DamagedCaptureError(`block of type 0x${type.toString(16)} has impossible length ${len}`, off);
      }
      if (end - off < len) break;
      if (this.u32(buf, off + len - 4) !== len) throw new DamagedCaptureError(`block lengths disagree at both ends`, off);
      this.block(type, buf, off, len);
      off += len;
    }
    return off;
  }

  // Through the one view of the chunk (capture/bytes.ts), as the classic reader reads its record headers.
  private u32(buf: Buffer, at: number): number {
    return viewOf(buf).getUint32(at, this.le);
  }

  private u16(buf: Buffer, at: number): number {
    return viewOf(buf).getUint16(at, this.le);
  }

  private block(type: number, buf: Buffer, off: number, len: number): void {
    const body = off + 8;
    const bodyEnd = off + len - 4;
    if (type === PCAPNG_SHB) this.ifaces = []; // interface ids restart in every section
    else if (type === IDB && bodyEnd - body >= 8) this.ifaces.push(this.iface(buf, body, bodyEnd));
    else if (type === EPB && bodyEnd - body >= 20) {
      const id = this.u32(buf, body);
      this.packet(id, this.u32(buf, body + 4), this.u32(buf, body + 8), this.u32(buf, body + 12), this.u32(buf, body + 16), buf, body + 20, bodyEnd, off);
    } else if (type === OBSOLETE_PB && bodyEnd - body >= 20) {
      const id = this.u16(buf, body);
      this.packet(id, this.u32(buf, body + 4), this.u32(buf, body + 8), this.u32(buf, body + 12), this.u32(buf, body + 16), buf, body + 20, bodyEnd, off);
    } else if (type === SPB && bodyEnd - body >= 4) {
      // No timestamp in a Simple Packet Block: the last one seen is the best estimate.
      const orig = this.u32(buf, body);
      const snap = this.ifaces[0]?.snapLen || 0;
      const cap = Math.min(orig, bodyEnd - body - 4, snap > 0 ? snap : Infinity);
      this.emit(0, this.lastTsUs, cap, orig, buf, body + 4, off);
    }
  }

  private packet(id: number, hi: number, lo: number, cap: number, orig: number, buf: Buffer, data: number, bodyEnd: number, off: number): void {
    if (cap > bodyEnd - data) throw new DamagedCaptureError(`packet block claims ${cap} captured bytes in a ${bodyEnd - data}-byte body`, off);
    const f = this.ifaces[id];
    if (!f) throw new DamagedCaptureError(`packet block names interface ${id}, which no interface block described`, off);
    this.lastTsUs = toUs(f, hi, lo);
    this.emit(id, this.lastTsUs, cap, orig, buf, data, off);
  }

  private emit(id: number, tsUs: number, cap: number, orig: number, buf: Buffer, data: number, off: number): void {
    const f = this.ifaces[id];
    if (!f) throw new DamagedCaptureError(`packet before any interface block`, off);
    const pkt = this.pkt;
    pkt.linkType = f.linkType;
    pkt.iface = id;
    pkt.tsUs = tsUs;
    pkt.buf = buf;
    pkt.start = data;
    pkt.end = data + cap;
    pkt.origLen = orig < cap ? cap : orig;
    this.onPacket(pkt);
  }

  private iface(buf: Buffer, body: number, end: number): Iface {
    const f: Iface = { linkType: this.u16(buf, body), snapLen: this.u32(buf, body + 4), div: 1, mulUs: 0, offsetUs: 0 };
    for (let o = body + 8; o + 4 <= end; ) {
      const code = this.u16(buf, o);
      const olen = this.u16(buf, o + 2);
      if (code === 0 || o + 4 + olen > end) break;
      if (code === OPT_TSRESOL && olen >= 1) setResolution(f, buf[o + 4] ?? 6);
      if (code === OPT_TSOFFSET && olen >= 8) {
        const secs = this.le ? buf.readBigInt64LE(o + 4) : buf.readBigInt64BE(o + 4);
        f.offsetUs = Number(secs) * 1_000_000;
      }
      o += 4 + ((olen + 3) & ~3);
    }
    return f;
  }
}

/** if_tsresol: high bit clear → 10^-v seconds per unit; set → 2^-(v & 0x7f). */
function setResolution(f: Iface, v: number): void {
  const pow = v & 0x7f;
  if (v & 0x80 || pow < 6) {
    f.div = 0;
    f.mulUs = v & 0x80 ? 1_000_000 / 2 ** pow : 10 ** (6 - pow);
  } else f.div = 10 ** (pow - 6);
}

/**
 * 64-bit timestamp (hi, lo) to integer microseconds. For divisors below 2^21 (up to nanoseconds ×1000)
 * the split keeps every intermediate under 2^53, so the result is exact without BigInt.
 */
function toUs(f: Iface, hi: number, lo: number): number {
  if (f.div === 1) return hi * 4294967296 + lo + f.offsetUs;
  if (f.div === 0) return Math.floor((hi * 4294967296 + lo) * f.mulUs) + f.offsetUs;
  if (f.div < 2097152) {
    const hq = Math.floor(hi / f.div);
    const hr = hi - hq * f.div;
    return hq * 4294967296 + Math.floor((hr * 4294967296 + lo) / f.div) + f.offsetUs;
  }
  return Number(((BigInt(hi) << 32n) | BigInt(lo)) / BigInt(f.div)) + f.offsetUs;
}
