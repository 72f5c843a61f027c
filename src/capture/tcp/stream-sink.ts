import type { Connection } from '../../exchange.js';

/**
 * The contract between TCP reassembly (src/capture/tcp) and the HTTP layer (src/capture/http):
 * reassembly delivers each direction's bytes in order, exactly once, and says where bytes are missing.
 */
export type Direction = 'request' | 'response'; // client→server, server→client

export type EndReason = 'fin' | 'rst' | 'idle' | 'eof' | 'memory';

export interface TcpStreamSink {
  /**
   * In-order, de-duplicated bytes: buf[start..end) (offsets, not a view: one fewer object per packet);
   * `tsUs` is the timestamp of the packet that carried the first of them. `buf` is usually the reader's
   * chunk, and file readers reuse their chunks: the bytes are valid during this call only, so copy what
   * outlives it. `ack` is how far the packet acknowledged the other direction's stream, as an offset
   * into it (bytes since its first, gaps included), -1 when unknown: the peer had received that much
   * when it sent these bytes, which says which request a response can answer (http/answers.ts).
   */
  data(dir: Direction, buf: Buffer, start: number, end: number, tsUs: number, ack: number): void;
  /** `missing` bytes of `dir` were never seen (lost, or beyond the per-flow memory limit). */
  gap(dir: Direction, missing: number, tsUs: number): void;
  /** One direction finished (FIN). The flow may go on in the other direction. */
  halfClose?(dir: Direction, tsUs: number): void;
  /** The flow ended; flush whatever is pending. Called exactly once. */
  end(reason: EndReason, tsUs: number): void;
}

export interface FlowInfo {
  /** Unique within the capture, e.g. "3" (flow sequence number). */
  id: string;
  connection: Connection;
}

export type SinkFactory = (flow: FlowInfo) => TcpStreamSink;

/** Counters every stage adds to; printed at the end of a capture. */
export interface CaptureStats {
  packets: number;
  bytes: number;
  nonTcpPackets: number;
  /** Packets that came out of a tunnel (VXLAN, GRE, ERSPAN): mirrored traffic. */
  decapsulated: number;
  ipFragments: number;
  truncatedPackets: number;
  flows: number;
  exchanges: number;
  incomplete: number;
  unpaired: number;
  nonHttpBytes: number;
  gaps: number;
  gapBytes: number;
  memoryLimitHits: number;
  kernelDrops?: number;
  captured?: number;
}

export function newCaptureStats(): CaptureStats {
  return { packets: 0, bytes: 0, nonTcpPackets: 0, decapsulated: 0, ipFragments: 0, truncatedPackets: 0, flows: 0, exchanges: 0, incomplete: 0, unpaired: 0, nonHttpBytes: 0, gaps: 0, gapBytes: 0, memoryLimitHits: 0 };
}
