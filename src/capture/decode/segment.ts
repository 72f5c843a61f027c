/**
 * A decoded TCP segment: offsets into the packet buffer rather than copies or strings, filled in place
 * by decodeSegment() for every packet (one object reused for the whole capture).
 */
export interface Segment {
  family: 4 | 6;
  /** Offsets of the source and destination addresses (4 or 16 bytes) in `buf`. */
  srcAt: number;
  dstAt: number;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** Captured payload: buf[payStart..payEnd). */
  payStart: number;
  payEnd: number;
  /** Payload length on the wire; more than payEnd - payStart when the snap length cut the packet. */
  payLen: number;
  /** Which tunnel (kind and key) the segment came out of, 0 for none: part of the flow's identity. */
  zone: number;
}

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const ACK = 0x10;

export function newSegment(): Segment {
  return { family: 4, srcAt: 0, dstAt: 0, srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, payStart: 0, payEnd: 0, payLen: 0, zone: 0 };
}

/** Why a packet yielded no segment; the pipeline counts these. */
export enum Skip {
  None = 0,
  NotTcp = 1,
  Fragment = 2,
  Truncated = 3,
  UnknownLink = 4,
}
