/** Builders for packets and capture files, byte by byte, for the packet-pipeline unit tests. */

export interface TcpSpec {
  family?: 4 | 6;
  src?: number[];
  dst?: number[];
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags: string; // letters of S, A, F, R, P
  payload?: Buffer | string;
}

const FLAG_BITS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 16 };

export function tcpPacket(s: TcpSpec): Buffer {
  const payload = typeof s.payload === 'string' ? Buffer.from(s.payload) : (s.payload ?? Buffer.alloc(0));
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(s.sport, 0);
  tcp.writeUInt16BE(s.dport, 2);
  tcp.writeUInt32BE(s.seq >>> 0, 4);
  tcp.writeUInt32BE((s.ack ?? 0) >>> 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = [...s.flags].reduce((a, c) => a | (FLAG_BITS[c] ?? 0), 0);
  tcp.writeUInt16BE(65535, 14);
  const seg = Buffer.concat([tcp, payload]);
  if ((s.family ?? 4) === 4) {
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + seg.length, 2);
    ip[6] = 0x40; // DF
    ip[8] = 64;
    ip[9] = 6;
    Buffer.from(s.src ?? [10, 0, 0, 1]).copy(ip, 12);
    Buffer.from(s.dst ?? [10, 0, 0, 2]).copy(ip, 16);
    return Buffer.concat([ip, seg]);
  }
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(seg.length, 4);
  ip[6] = 6;
  ip[7] = 64;
  Buffer.from(s.src ?? [0xfd, 0, ...Array(13).fill(0), 1]).copy(ip, 8);
  Buffer.from(s.dst ?? [0xfd, 0, ...Array(13).fill(0), 2]).copy(ip, 24);
  return Buffer.concat([ip, seg]);
}

/** Inserts an IPv6 extension header (hop-by-hop, 8 bytes) before TCP. */
export function withHopByHop(v6: Buffer): Buffer {
  const out = Buffer.concat([v6.subarray(0, 40), Buffer.from([6, 0, 1, 4, 0, 0, 0, 0]), v6.subarray(40)]);
  out[6] = 0;
  out.writeUInt16BE(v6.readUInt16BE(4) + 8, 4);
  return out;
}

/** Wraps an IP packet in a link layer. */
export function frame(linkType: number, ip: Buffer, vlanTags = 0, pppoe = false): Buffer {
  const v6 = ip[0]! >> 4 === 6;
  const etype = v6 ? 0x86dd : 0x0800;
  switch (linkType) {
    case 1: {
      // Ethernet: dst, src, then (tag type, TCI)*, then the EtherType (or a PPPoE session, then PPP's protocol).
      const head = Buffer.alloc(12, 0xaa);
      const parts: Buffer[] = [head];
      for (let i = 0; i < vlanTags; i++) parts.push(Buffer.from([i === 0 && vlanTags > 1 ? 0x88 : 0x81, i === 0 && vlanTags > 1 ? 0xa8 : 0x00, 0x00, 0x07]));
      // PPP's protocol in two bytes for IPv4, compressed to one for IPv6 (both occur).
      const pppLen = ip.length + (v6 ? 1 : 2);
      if (pppoe) parts.push(Buffer.from([0x88, 0x64, 0x11, 0x00, 0x12, 0x34, pppLen >> 8, pppLen & 255, ...(v6 ? [0x57] : [0, 0x21])]), ip);
      else parts.push(Buffer.from([etype >> 8, etype & 255]), ip);
      return Buffer.concat(parts);
    }
    case 113: {
      const h = Buffer.alloc(16);
      h.writeUInt16BE(etype, 14);
      return Buffer.concat([h, ip]);
    }
    case 276: {
      const h = Buffer.alloc(20);
      h.writeUInt16BE(etype, 0);
      return Buffer.concat([h, ip]);
    }
    case 0: {
      const h = Buffer.alloc(4);
      h.writeUInt32LE(v6 ? 30 : 2, 0); // host order of the writer, macOS AF_INET6 = 30
      return Buffer.concat([h, ip]);
    }
    case 108: {
      const h = Buffer.alloc(4);
      h.writeUInt32BE(v6 ? 24 : 2, 0);
      return Buffer.concat([h, ip]);
    }
    case 239: {
      // NFLOG: family, version, resource id; then TLVs (little-endian here, as written on x86): a prefix
      // (5 bytes, padded to 8) before the payload, which must be found by walking them.
      const tlv = (type: number, value: Buffer): Buffer => {
        const h = Buffer.alloc(4);
        h.writeUInt16LE(4 + value.length, 0);
        h.writeUInt16LE(type, 2);
        return Buffer.concat([h, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
      };
      return Buffer.concat([Buffer.from([v6 ? 10 : 2, 0, 0, 1]), tlv(10, Buffer.from('web\0\0')), tlv(9, ip)]);
    }
    default:
      return ip; // raw IP link types
  }
}

export interface Rec {
  tsUs: number;
  data: Buffer;
  /** Length on the wire, when the record holds less (snap length). */
  origLen?: number;
}

export function classicPcap(recs: Rec[], o: { linkType: number; nano?: boolean; bigEndian?: boolean }): Buffer {
  const w32 = (b: Buffer, v: number, at: number) => (o.bigEndian ? b.writeUInt32BE(v >>> 0, at) : b.writeUInt32LE(v >>> 0, at));
  const w16 = (b: Buffer, v: number, at: number) => (o.bigEndian ? b.writeUInt16BE(v, at) : b.writeUInt16LE(v, at));
  const h = Buffer.alloc(24);
  w32(h, o.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(h, 2, 4);
  w16(h, 4, 6);
  w32(h, 262144, 16);
  w32(h, o.linkType, 20);
  const parts: Buffer[] = [h];
  for (const r of recs) {
    const rh = Buffer.alloc(16);
    w32(rh, Math.floor(r.tsUs / 1e6), 0);
    w32(rh, o.nano ? (r.tsUs % 1e6) * 1000 + 999 : r.tsUs % 1e6, 4);
    w32(rh, r.data.length, 8);
    w32(rh, r.origLen ?? r.data.length, 12);
    parts.push(rh, r.data);
  }
  return Buffer.concat(parts);
}

export interface NgIface {
  linkType: number;
  /** if_tsresol byte; omitted → microseconds. */
  tsresol?: number;
}

export interface NgRec extends Rec {
  iface: number;
  simple?: boolean;
}

/** A pcapng section: SHB, the interfaces, an unknown block, then the packets (EPB, or SPB when `simple`). */
export function pcapng(ifaces: NgIface[], recs: NgRec[], o: { bigEndian?: boolean } = {}): Buffer {
  const be = !!o.bigEndian;
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    if (be) b.writeUInt32BE(v >>> 0);
    else b.writeUInt32LE(v >>> 0);
    return b;
  };
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    if (be) b.writeUInt16BE(v);
    else b.writeUInt16LE(v);
    return b;
  };
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  const block = (type: number, body: Buffer) => Buffer.concat([u32(type), u32(body.length + 12), body, u32(body.length + 12)]);
  const out = [block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d), u16(1), u16(0), Buffer.alloc(8, 0xff)]))];
  for (const f of ifaces) {
    const opts = f.tsresol === undefined ? [] : [u16(9), u16(1), pad(Buffer.from([f.tsresol]))];
    out.push(block(1, Buffer.concat([u16(f.linkType), u16(0), u32(0), ...opts, u16(0), u16(0)])));
  }
  out.push(block(0x0bad, pad(Buffer.from('custom block, skipped by length'))));
  for (const r of recs) {
    if (r.simple) {
      out.push(block(3, Buffer.concat([u32(r.origLen ?? r.data.length), pad(r.data)])));
      continue;
    }
    const units = toUnits(r.tsUs, ifaces[r.iface]!.tsresol);
    const hi = Number(units >> 32n);
    const lo = Number(units & 0xffffffffn);
    out.push(block(6, Buffer.concat([u32(r.iface), u32(hi), u32(lo), u32(r.data.length), u32(r.origLen ?? r.data.length), pad(r.data)])));
  }
  return Buffer.concat(out);
}

function toUnits(tsUs: number, resol: number | undefined): bigint {
  if (resol === undefined) return BigInt(tsUs);
  if (resol & 0x80) return (BigInt(tsUs) << BigInt(resol & 0x7f)) / 1_000_000n;
  const p = resol & 0x7f;
  return p >= 6 ? BigInt(tsUs) * 10n ** BigInt(p - 6) : BigInt(tsUs) / 10n ** BigInt(6 - p);
}
