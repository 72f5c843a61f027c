/**
 * Link layers: where the IP header starts. Returns -1 when the frame carries something other than IPv4/IPv6
 * or is too short, UNKNOWN_LINK for a link type this reader does not decode. Ethernet with 802.1Q/802.1ad (QinQ) tags
 * and PPPoE sessions, Linux cooked v1/v2 (`tcpdump -i any`),
 * BSD NULL/LOOP (loopback on macOS/BSD), Linux NFLOG (`tcpdump -i nflog:N`, iptables' NFLOG target), and
 * raw IP in its several numberings.
 */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW_OLD: 12, // DLT_RAW on most BSDs
  RAW_OPENBSD: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  LINUX_SLL2: 276,
} as const;

export const UNKNOWN_LINK = -2;
const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;

export function ipOffset(linkType: number, buf: Buffer, start: number, end: number): number {
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      let at = start + 12;
      for (let tags = 0; at + 2 <= end && tags < 4; tags++) {
        const type = (buf[at]! << 8) | buf[at + 1]!;
        if (type === ETH_IPV4 || type === ETH_IPV6) return at + 2;
        if (type === PPPOE_SESSION) return pppoePayload(buf, at + 2, end);
        if (type !== 0x8100 && type !== 0x88a8 && type !== 0x9100) return -1;
        at += 4; // VLAN tag: TCI then the inner EtherType
      }
      return -1;
    }
    case LINKTYPE.LINUX_SLL:
      return ethertypeAt(buf, start + 14, end) ? start + 16 : -1;
    case LINKTYPE.LINUX_SLL2:
      return ethertypeAt(buf, start, end) ? start + 20 : -1;
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP:
      // The 4-byte family is in the writer's host byte order (NULL) and its values differ per OS; the IP
      // version nibble after it says the same thing portably.
      return start + 4;
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_OLD:
    case LINKTYPE.RAW_OPENBSD:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
      return start;
    case LINKTYPE.NFLOG:
      return nflogPayload(buf, start, end);
    default:
      return UNKNOWN_LINK;
  }
}

const PPPOE_SESSION = 0x8864;

/**
 * PPPoE session (DSL access links): a 6-byte PPPoE header, then PPP's protocol, 0x0021 IPv4 or 0x0057 IPv6,
 * in one byte when compressed (an odd first byte: protocol field compression).
 */
function pppoePayload(buf: Buffer, at: number, end: number): number {
  if (at + 8 > end) return -1;
  const short = (buf[at + 6]! & 1) === 1;
  const proto = short ? buf[at + 6]! : (buf[at + 6]! << 8) | buf[at + 7]!;
  return proto === 0x21 || proto === 0x57 ? at + (short ? 7 : 8) : -1;
}

const NFULA_PAYLOAD = 9;

/**
 * NFLOG: a 4-byte header, then type-length-value attributes padded to 4 bytes, one of which (type 9) is the
 * IP packet. Length and type are in the capturing host's byte order: little-endian unless that reads as
 * nonsense.
 */
function nflogPayload(buf: Buffer, start: number, end: number): number {
  for (let at = start + 4, tlvs = 0; at + 4 <= end && tlvs < 64; tlvs++) {
    let len = buf.readUInt16LE(at);
    let type = buf.readUInt16LE(at + 2);
    if (len < 4 || at + len > end) [len, type] = [buf.readUInt16BE(at), buf.readUInt16BE(at + 2)];
    if (len < 4) return -1;
    if ((type & 0x7fff) === NFULA_PAYLOAD) return at + 4;
    at += (len + 3) & ~3;
  }
  return -1;
}

function ethertypeAt(buf: Buffer, at: number, end: number): boolean {
  if (at + 2 > end) return false;
  const type = (buf[at]! << 8) | buf[at + 1]!;
  return type === ETH_IPV4 || type === ETH_IPV6;
}
