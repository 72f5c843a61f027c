import { DamagedCaptureError, MAX_RECORD_BYTES, type PacketHandler, type RawPacket, type RecordParser } from './packet.js';
import { viewOf } from '../bytes.js';

import { PCAP_MAGIC_NS, PCAP_MAGIC_US } from './magic.js';

const HEADER = 24;
const RECORD = 16;

/**
 * Classic libpcap files: microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d) magic, written in either
 * byte order. The file header is parsed by `fromHeader`; records then stream through `parse`.
 */
export class ClassicPcapParser implements RecordParser {
  readonly format = 'pcap';

  private constructor(
    private readonly le: boolean,
    private readonly nano: boolean,
    readonly linkType: number,
    private readonly pkt: RawPacket,
    private readonly onPacket: PacketHandler,
  ) {
    pkt.linkType = linkType;
    pkt.iface = 0;
  }

  /** Needs the 24-byte header in `buf`; returns undefined when the magic is not classic pcap. */
  static fromHeader(buf: Buffer, pkt: RawPacket, onPacket: PacketHandler): ClassicPcapParser | undefined {
    const be = buf.readUInt32BE(0);
    const le = buf.readUInt32LE(0);
    let little: boolean;
    if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS) little = true;
    else if (be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS) little = false;
    else return undefined;
    const magic = little ? le : be;
    // The top bits of the link-type field carry FCS metadata (pcap-savefile(5)).
    const linkType = (little ? buf.readUInt32LE(20) : buf.readUInt32BE(20)) & 0x03ffffff;
    return new ClassicPcapParser(little, magic === PCAP_MAGIC_NS, linkType, pkt, onPacket);
  }

  /** Bytes of the file header, which the reader skips before the first parse(). */
  static readonly headerBytes = HEADER;

  parse(buf: Buffer, off: number, end: number): number {
    const pkt = this.pkt;
    const le = this.le;
    const v = viewOf(buf);
    while (end - off >= RECORD) {
      const sec = v.getUint32(off, le);
      const frac = v.getUint32(off + 4, le);
      const incl = v.getUint32(off + 8, le);
      const orig = v.getUint32(off + 12, le);
      if (incl > MAX_RECORD_BYTES) {
        throw new DamagedCaptureError(`record header claims ${incl} captured bytes`, off);
      }
      if (end - off < RECORD + incl) break;
      pkt.tsUs = sec * 1_000_000 + (this.nano ? Math.floor(frac / 1000) : frac);
      pkt.buf = buf;
      pkt.start = off + RECORD;
      pkt.end = off + RECORD + incl;
      pkt.origLen = orig < incl ? incl : orig;
      this.onPacket(pkt);
      off += RECORD + incl;
    }
    return off;
  }
}
