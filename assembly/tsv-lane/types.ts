// The lane's records: unmanaged (no GC), allocated with heap.alloc and freed by hand.

/** One direction of a flow: its TCP half (reassembly state) and its HTTP parser. */
@unmanaged
export class Half {
  isRequest: i32;
  // TCP (mirrors src/capture/tcp/half-stream.ts)
  started: i32;
  nextSeq: u32;
  hasIsn: i32;
  isn: u32;
  hasFin: i32;
  finSeq: u32;
  closed: i32;
  /** Segments held out of order, by sequence number (see tcp.ts), and their captured bytes. */
  pending: usize;
  pendingBytes: i32;
  // HTTP (mirrors src/capture/http/parser.ts in summary mode)
  state: i32;
  body: i32;
  remaining: i64;
  /** The response in progress: where its head started, and its status. */
  msgFirstUs: i64;
  msgStatus: i32;
  /** Bytes that wait for the next segment (a partial head or line), and the time of their first byte. */
  stash: usize;
  stashLen: i32;
  stashCap: i32;
  stashTs: i64;
}

/** A request waiting for its response (mirrors Pending in src/capture/http/index.ts). */
@unmanaged
export class Entry {
  firstUs: i64;
  lastUs: i64;
  resFirstUs: i64;
  /** "METHOD\ttarget", as the tsv line shows them. */
  text: usize;
  textLen: i32;
  status: i32;
  flags: i32;
}

export const REQ_DONE: i32 = 1;
export const HAS_RES: i32 = 2;
export const IS_HEAD: i32 = 4;

/** One TCP connection (mirrors src/capture/tcp/flow.ts and its HTTP sink). */
@unmanaged
export class Flow {
  hash: i32;
  family: i32;
  // Client then server addresses (IPv4: the first word only) and ports.
  c0: u32;
  c1: u32;
  c2: u32;
  c3: u32;
  s0: u32;
  s1: u32;
  s2: u32;
  s3: u32;
  cport: i32;
  sport: i32;
  ended: i32;
  sinkEnded: i32;
  hasReset: i32;
  lastTsUs: i64;
  resetAtUs: i64;
  /** Creation order, oldest first: the JS flow table's iteration order. */
  prev: usize;
  next: usize;
  /** The next flow in this hash slot. */
  chain: usize;
  request: Half;
  response: Half;
  // The queue of requests waiting for responses: entries[qHead .. qHead+qLen) of qCap.
  q: usize;
  qHead: i32;
  qLen: i32;
  qCap: i32;
  answered: i32;
}

export function zeroed(size: usize): usize {
  const p = heap.alloc(size);
  memory.fill(p, 0, size);
  return p;
}

/** heap.realloc, which takes no null block. */
export function resize(p: usize, size: usize): usize {
  return p == 0 ? heap.alloc(size) : heap.realloc(p, size);
}
