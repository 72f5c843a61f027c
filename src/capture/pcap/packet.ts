import { Buffer } from 'node:buffer';

/**
 * One captured packet as the readers hand it on. The object is reused for every packet (no per-packet
 * allocation on the hot path): a consumer reads it synchronously and copies what it keeps.
 * `buf[start..end)` are the captured bytes; `origLen` is the length on the wire (more than the
 * captured bytes when the snap length cut the packet).
 */
export interface RawPacket {
  linkType: number;
  tsUs: number;
  buf: Buffer;
  start: number;
  end: number;
  origLen: number;
  /** Interface index (pcapng); 0 for classic pcap. */
  iface: number;
}

export type PacketHandler = (pkt: RawPacket) => void;

export function newRawPacket(): RawPacket {
  return { linkType: 0, tsUs: 0, buf: Buffer.alloc(0), start: 0, end: 0, origLen: 0, iface: 0 };
}

/** A record parser: consumes whole records from `buf[off..end)`, returns where the first incomplete one starts. */
export interface RecordParser {
  parse(buf: Buffer, off: number, end: number): number;
  readonly format: 'pcap' | 'pcapng';
}

/** The capture is damaged past repair at `offset` (relative to the buffer parsed): the reader keeps what came before and stops. */
export class DamagedCaptureError extends Error {
  override name = 'DamagedCaptureError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

// Sanity bound for one record: far above any real snap length (262144), far below what would hurt.
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
