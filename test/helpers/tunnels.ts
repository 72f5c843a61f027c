// Packets of a real capture wrapped in the tunnels mirrored traffic arrives in: VXLAN (AWS VPC Traffic
// Mirroring), GRE (Ethernet or IP inside), ERSPAN type I, II and III (switch and router port mirroring).
import { frame } from './capture-packets.js';

const ETHERNET = 1;

/**
 * An outer IPv4 (or IPv6) packet from the mirror source 192.0.2.1 to the target 192.0.2.2 (2001:db8::1 → ::2).
 * Segments captured on lo reach 64 KiB, so a wrapped one can exceed what a length field holds: it is then
 * 0, as segmentation offload leaves it in locally captured packets.
 */
const len16 = (n: number): number => (n > 65535 ? 0 : n);

function outerIp(proto: number, payload: Buffer, family: 4 | 6): Buffer {
  if (family === 4) {
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(len16(20 + payload.length), 2);
    ip[8] = 64;
    ip[9] = proto;
    Buffer.from([192, 0, 2, 1, 192, 0, 2, 2]).copy(ip, 12);
    return Buffer.concat([ip, payload]);
  }
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(len16(payload.length), 4);
  ip[6] = proto;
  ip[7] = 64;
  Buffer.from('20010db8000000000000000000000001', 'hex').copy(ip, 8);
  Buffer.from('20010db8000000000000000000000002', 'hex').copy(ip, 24);
  return Buffer.concat([ip, payload]);
}

/** The IP packet inside an Ethernet frame (the inner frames here are untagged). */
function ipOf(eth: Buffer): Buffer {
  return eth.subarray(14);
}

export type Tunnel = 'vxlan' | 'vxlan-gpe' | 'vxlan-gpe-ip' | 'gre-eth' | 'gre-ip' | 'erspan1' | 'erspan2' | 'erspan3';

/** An Ethernet frame (as on the capture) wrapped in `tunnel`, inside an outer Ethernet/IP frame. */
export function wrap(tunnel: Tunnel, eth: Buffer, o: { id?: number; family?: 4 | 6; udpPort?: number } = {}): Buffer {
  const id = o.id ?? 7;
  const family = o.family ?? 4;
  const gre = (flags: number, type: number, ...extra: Buffer[]): Buffer => {
    const h = Buffer.from([flags, 0, type >> 8, type & 255]);
    return outerIp(47, Buffer.concat([h, ...extra]), family);
  };
  const u32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    return b;
  };
  let ip: Buffer;
  switch (tunnel) {
    case 'vxlan': {
      const udp = Buffer.alloc(16);
      udp.writeUInt16BE(40000 + (id % 1000), 0);
      udp.writeUInt16BE(o.udpPort ?? 4789, 2);
      udp.writeUInt16BE(len16(8 + 8 + eth.length), 4);
      udp[8] = 0x08; // I flag: the VNI is valid
      udp.writeUIntBE(id, 12, 3);
      ip = outerIp(17, Buffer.concat([udp, eth]), family);
      break;
    }
    case 'vxlan-gpe':
    case 'vxlan-gpe-ip': {
      // VXLAN-GPE (UDP 4790): the P flag, then the next protocol: 3 Ethernet, 1 IPv4, 2 IPv6.
      const inner = tunnel === 'vxlan-gpe' ? eth : ipOf(eth);
      const udp = Buffer.alloc(16);
      udp.writeUInt16BE(4789, 0); // as in Arkime's sample: the source port says VXLAN, the destination GPE
      udp.writeUInt16BE(4790, 2);
      udp.writeUInt16BE(len16(16 + inner.length), 4);
      udp[8] = 0x0c;
      udp[11] = tunnel === 'vxlan-gpe' ? 3 : inner[0]! >> 4 === 6 ? 2 : 1;
      udp.writeUIntBE(id, 12, 3);
      ip = outerIp(17, Buffer.concat([udp, inner]), family);
      break;
    }
    case 'gre-eth':
      ip = gre(0x20, 0x6558, u32(id), eth); // with a key
      break;
    case 'gre-ip': {
      const inner = ipOf(eth);
      ip = gre(0x80, inner[0]! >> 4 === 6 ? 0x86dd : 0x0800, Buffer.alloc(4), inner); // with a checksum field
      break;
    }
    case 'erspan1':
      ip = gre(0x00, 0x88be, eth);
      break;
    case 'erspan2': {
      const h = Buffer.from([0x10, 0x00, (id >> 8) & 3, id & 255, 0, 0, 0, 0]); // version 1, session id
      ip = gre(0x10, 0x88be, u32(1), h, eth);
      break;
    }
    case 'erspan3': {
      const h = Buffer.from([0x20, 0x00, (id >> 8) & 3, id & 255, 0, 0, 0, 0, 0, 0, 0, 0x01]); // version 2, O flag
      ip = gre(0x10, 0x22eb, u32(1), h, Buffer.alloc(8), eth); // then the platform-specific subheader
      break;
    }
  }
  return frame(ETHERNET, ip);
}
