import { viewOf } from '../bytes.js';
import type { Segment } from '../decode/segment.js';
import type { Flow } from './flow.js';

/**
 * Flows by 4-tuple without building a string key per packet: a direction-independent 32-bit hash of
 * the addresses and ports picks a bucket, and the packet's addresses (read as 32-bit words) are compared
 * with the flow's.
 */
export class FlowTable {
  private readonly buckets = new Map<number, Flow | Flow[]>();
  size = 0;

  /** The flow of `seg`, and whether the packet travels client→server. */
  find(buf: Buffer, seg: Segment, hash: number): { flow: Flow; fromClient: boolean } | undefined {
    const b = this.buckets.get(hash);
    if (b === undefined) return undefined;
    const v = viewOf(buf);
    if (!Array.isArray(b)) return match(b, v, seg);
    for (const f of b) {
      const m = match(f, v, seg);
      if (m) return m;
    }
    return undefined;
  }

  add(flow: Flow): void {
    const b = this.buckets.get(flow.hash);
    if (b === undefined) this.buckets.set(flow.hash, flow);
    else if (Array.isArray(b)) b.push(flow);
    else this.buckets.set(flow.hash, [b, flow]);
    this.size++;
  }

  delete(flow: Flow): void {
    const b = this.buckets.get(flow.hash);
    if (b === flow) this.buckets.delete(flow.hash);
    else if (Array.isArray(b)) {
      const i = b.indexOf(flow);
      if (i < 0) return;
      b.splice(i, 1);
      if (b.length === 1) this.buckets.set(flow.hash, b[0]!);
    } else return;
    this.size--;
  }

  /** Every flow, oldest bucket first (Map insertion order). */
  *[Symbol.iterator](): IterableIterator<Flow> {
    for (const b of this.buckets.values()) {
      if (Array.isArray(b)) yield* b.slice();
      else yield b;
    }
  }
}

const reusable = { flow: undefined as unknown as Flow, fromClient: false };

function match(f: Flow, v: DataView, seg: Segment): { flow: Flow; fromClient: boolean } | undefined {
  const n = seg.family === 4 ? 1 : 4;
  if (f.clientAddr.length !== n || f.zone !== seg.zone) return undefined;
  if (seg.srcPort === f.clientPort && seg.dstPort === f.serverPort && same(f.clientAddr, v, seg.srcAt) && same(f.serverAddr, v, seg.dstAt)) {
    reusable.flow = f;
    reusable.fromClient = true;
    return reusable;
  }
  if (seg.srcPort === f.serverPort && seg.dstPort === f.clientPort && same(f.serverAddr, v, seg.srcAt) && same(f.clientAddr, v, seg.dstAt)) {
    reusable.flow = f;
    reusable.fromClient = false;
    return reusable;
  }
  return undefined;
}

function same(addr: Uint32Array, v: DataView, at: number): boolean {
  for (let i = 0; i < addr.length; i++) if (addr[i] !== v.getUint32(at + 4 * i)) return false;
  return true;
}

/** An address of the packet as the words a Flow keeps (big-endian, 1 for IPv4, 4 for IPv6). */
export function addressWords(buf: Buffer, at: number, family: 4 | 6): Uint32Array {
  const v = viewOf(buf);
  const words = new Uint32Array(family === 4 ? 1 : 4);
  for (let i = 0; i < words.length; i++) words[i] = v.getUint32(at + 4 * i);
  return words;
}

/** Symmetric in the two endpoints, so both directions land in the same bucket; a tunnel's flows hash apart. */
export function tupleHash(buf: Buffer, seg: Segment): number {
  const v = viewOf(buf);
  const n = seg.family === 4 ? 4 : 16;
  const h = (endpoint(v, seg.srcAt, n, seg.srcPort) + endpoint(v, seg.dstAt, n, seg.dstPort)) | 0;
  return seg.zone === 0 ? h : h ^ Math.imul((seg.zone | 0) + ((seg.zone / 4294967296) | 0), 0x9e3779b1);
}

function endpoint(v: DataView, at: number, n: number, port: number): number {
  let h = Math.imul(port + 1, 0x9e3779b1);
  for (let i = 0; i < n; i += 4) h = Math.imul(h ^ v.getInt32(at + i), 0x85ebca6b) ^ (h >>> 13);
  return Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
}
