import { ipOffset, LINKTYPE } from './link.js';

/**
 * Tunnels whose payload is a whole frame or packet, unwrapped so the inner TCP is reassembled as usual.
 * This is how mirrored traffic arrives: AWS VPC Traffic Mirroring sends VXLAN (UDP 4789), switch and
 * router port mirroring (SPAN/RSPAN) sends ERSPAN or plain GRE, Linux VXLAN devices default to UDP 8472,
 * VXLAN-GPE uses 4790.
 */
export const Encap = { None: 0, Vxlan: 1, Gre: 2, Erspan: 3 } as const;

const UDP = 17;
const GRE = 47;
const VXLAN_PORTS = new Set([4789, 8472, 4790]); // IANA, Linux's default, VXLAN-GPE
const TEB = 0x6558; // transparent Ethernet bridging: an Ethernet frame follows
const ERSPAN_II = 0x88be; // also type I, which has no ERSPAN header (GRE without a sequence number)
const ERSPAN_III = 0x22eb;

/** Where the unwrapped packet starts, and what it starts with. */
export interface Inner {
  kind: number;
  /** A key for the tunnel (VXLAN VNI, GRE key, ERSPAN session): flows in different tunnels never mix. */
  tunnel: number;
  /** Offset of the inner IP header, or -1 when the inner frame carries no IP. */
  ipAt: number;
}

/**
 * The tunnel payload of the IP packet whose payload (protocol `proto`) is buf[p..end), or undefined when it
 * is not a tunnel this decodes. `inner` is reused: one object for the whole capture.
 */
export function unwrap(proto: number, buf: Buffer, p: number, end: number, inner: Inner): Inner | undefined {
  if (proto === UDP) {
    if (p + 16 > end || !VXLAN_PORTS.has((buf[p + 2]! << 8) | buf[p + 3]!) || (buf[p + 8]! & 0x08) === 0) return undefined;
    const vni = (buf[p + 12]! << 16) | (buf[p + 13]! << 8) | buf[p + 14]!;
    // VXLAN-GPE (RFC draft, UDP 4790) sets the P flag and names the next protocol: 1 IPv4, 2 IPv6, 3 Ethernet.
    const next = buf[p + 8]! & 0x04 ? buf[p + 11]! : 3;
    if (next === 1 || next === 2) return found(inner, Encap.Vxlan, vni, p + 16);
    return next === 3 ? found(inner, Encap.Vxlan, vni, ipOffset(LINKTYPE.ETHERNET, buf, p + 16, end)) : undefined;
  }
  if (proto !== GRE || p + 4 > end) return undefined;
  const flags = buf[p]!;
  if ((buf[p + 1]! & 7) !== 0) return undefined; // GRE version 0 only (1 is PPTP)
  const type = (buf[p + 2]! << 8) | buf[p + 3]!;
  let at = p + 4;
  if (flags & 0x80) at += 4; // checksum + reserved
  let key = 0;
  if (flags & 0x20) {
    if (at + 4 > end) return undefined;
    key = buf.readUInt32BE(at) | 0;
    at += 4;
  }
  const sequenced = (flags & 0x10) !== 0;
  if (sequenced) at += 4;
  if (at > end) return undefined;
  switch (type) {
    case TEB:
      return found(inner, Encap.Gre, key, ipOffset(LINKTYPE.ETHERNET, buf, at, end));
    case 0x0800:
    case 0x86dd:
      return found(inner, Encap.Gre, key, at);
    case ERSPAN_II: {
      if (!sequenced) return found(inner, Encap.Erspan, 0, ipOffset(LINKTYPE.ETHERNET, buf, at, end)); // type I
      if (at + 8 > end) return undefined;
      return found(inner, Encap.Erspan, ((buf[at + 2]! & 3) << 8) | buf[at + 3]!, ipOffset(LINKTYPE.ETHERNET, buf, at + 8, end));
    }
    case ERSPAN_III: {
      if (at + 12 > end) return undefined;
      const platform = buf[at + 11]! & 1 ? 8 : 0; // the O flag: an 8-byte platform-specific subheader follows
      return found(inner, Encap.Erspan, ((buf[at + 2]! & 3) << 8) | buf[at + 3]!, ipOffset(LINKTYPE.ETHERNET, buf, at + 12 + platform, end));
    }
    default:
      return undefined;
  }
}

function found(inner: Inner, kind: number, tunnel: number, ipAt: number): Inner {
  inner.kind = kind;
  inner.tunnel = tunnel;
  inner.ipAt = ipAt;
  return inner;
}
