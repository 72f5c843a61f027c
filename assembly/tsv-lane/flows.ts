// Flows by 4-tuple, their lifecycle and the packet step (mirrors src/capture/pipeline.ts, flow.ts and
// flow-table.ts). The JS table iterates buckets in insertion order; with one flow per bucket (the lane
// bails on a shared bucket) that is the order flows were added, kept here as a list.
import { Bail, bail, bailCode } from './state';
import { Flow, Half, zeroed } from './types';
import { acked, flush, release, segment, syn } from './tcp';
import { finish } from './http';
import { sendAll } from './pairing';

const FIN: i32 = 1;
const SYN: i32 = 2;
const RST: i32 = 4;
const ACK: i32 = 16;

const MAX_FLOWS: i32 = 200000;
const IDLE_US: i64 = 300000000;
const LINGER_US: i64 = 30000000;

// The decoded segment (set by decode in packet.ts).
export let family: i32 = 4;
export let srcAt: usize = 0;
export let dstAt: usize = 0;
export let srcPort: i32 = 0;
export let dstPort: i32 = 0;
export let seqNo: u32 = 0;
export let ackNo: u32 = 0;
export let flags: i32 = 0;
export let payStart: usize = 0;
export let payEnd: usize = 0;
export let payLen: i32 = 0;

export function setSegment(f: i32, src: usize, dst: usize, sp: i32, dp: i32, seq: u32, ack: u32, fl: i32, ps: usize, pe: usize, pl: i32): void {
  family = f;
  srcAt = src;
  dstAt = dst;
  srcPort = sp;
  dstPort = dp;
  seqNo = seq;
  ackNo = ack;
  flags = fl;
  payStart = ps;
  payEnd = pe;
  payLen = pl;
}

let lastTsUs: i64 = 0;
let nextSweepUs: i64 = 0;
let open: i32 = 0;
let oldest: usize = 0;
let newest: usize = 0;
let slots: usize = 0;
let slotMask: i32 = 0;
let count: i32 = 0;
/** Set by flowOf: the packet travels client→server. */
let fromClient = false;

export function initFlows(): void {
  slotMask = 1023;
  slots = zeroed(<usize>(slotMask + 1) << 2);
}

@inline function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

function endpoint(at: usize, n: i32, port: i32): i32 {
  let h = (port + 1) * <i32>0x9e3779b1;
  for (let i = 0; i < n; i += 4) h = ((h ^ <i32>be32(at + <usize>i)) * <i32>0x85ebca6b) ^ <i32>(<u32>h >>> 13);
  return (h ^ <i32>(<u32>h >>> 16)) * <i32>0xc2b2ae35;
}

function tupleHash(): i32 {
  const n = family == 4 ? 4 : 16;
  return endpoint(srcAt, n, srcPort) + endpoint(dstAt, n, dstPort);
}

@inline function slotOf(hash: i32): usize {
  return slots + (<usize>(hash & slotMask) << 2);
}

function sameAddr(f: Flow, client: bool, at: usize): bool {
  if (client) {
    if (be32(at) != f.c0) return false;
    return family == 4 || (be32(at + 4) == f.c1 && be32(at + 8) == f.c2 && be32(at + 12) == f.c3);
  }
  if (be32(at) != f.s0) return false;
  return family == 4 || (be32(at + 4) == f.s1 && be32(at + 8) == f.s2 && be32(at + 12) == f.s3);
}

function find(hash: i32): Flow | null {
  for (let p = load<usize>(slotOf(hash)); p != 0; p = changetype<Flow>(p).chain) {
    const f = changetype<Flow>(p);
    if (f.hash != hash || f.family != family) continue;
    if (srcPort == f.cport && dstPort == f.sport && sameAddr(f, true, srcAt) && sameAddr(f, false, dstAt)) {
      fromClient = true;
      return f;
    }
    if (srcPort == f.sport && dstPort == f.cport && sameAddr(f, false, srcAt) && sameAddr(f, true, dstAt)) {
      fromClient = false;
      return f;
    }
  }
  return null;
}

/** The packet step: CapturePipeline.onPacket after decoding. */
export function onSegment(ts: i64): void {
  const flow = flowOf(ts);
  if (flow === null || bailCode != 0) return;
  flow.lastTsUs = ts;
  if (flags & RST) {
    if (!flow.hasReset) {
      flow.hasReset = 1;
      flow.resetAtUs = ts;
    }
    return;
  }
  const request = fromClient;
  if (flags & ACK) acked(flow, request ? flow.response : flow.request, ackNo, ts);
  if (bailCode != 0) return;
  const seq = flags & SYN ? seqNo + 1 : seqNo;
  const captured = payEnd > payStart ? <i32>(payEnd - payStart) : 0;
  segment(flow, request ? flow.request : flow.response, seq, payStart, captured, payLen, (flags & FIN) != 0, ts);
  if (bailCode != 0) return;
  if (flow.request.closed && flow.response.closed) {
    end(flow, ts);
    open--;
  }
}

function flowOf(ts: i64): Flow | null {
  const hash = tupleHash();
  let flow = find(hash);
  if (flow === null) fromClient = false;
  if (flags & SYN) {
    const clientSyn = (flags & ACK) == 0;
    if (flow !== null) {
      const half = fromClient ? flow.request : flow.response;
      if (half.hasIsn && half.isn == seqNo) return flow.ended ? null : flow;
      if (flow.ended || half.hasIsn || (clientSyn && flow.request.started)) {
        retire(flow, ts);
        flow = null;
      }
    }
    if (flow === null) {
      fromClient = clientSyn;
      flow = start(hash, clientSyn, ts);
      if (flow === null) return null;
    }
    if (clientSyn == fromClient) syn(clientSyn ? flow.request : flow.response, seqNo);
    return flow;
  }
  if (flow !== null) return flow.ended ? null : flow;
  if (payLen == 0 || flags & RST) return null;
  // The ephemeral (higher) port is the client's.
  fromClient = srcPort != dstPort ? srcPort > dstPort : true;
  return start(hash, fromClient, ts);
}

function newHalf(isRequest: i32): Half {
  const h = changetype<Half>(zeroed(offsetof<Half>()));
  h.isRequest = isRequest;
  return h;
}

function start(hash: i32, srcIsClient: bool, ts: i64): Flow | null {
  if (open >= MAX_FLOWS) {
    bail(Bail.TooManyFlows);
    return null;
  }
  for (let p = load<usize>(slotOf(hash)); p != 0; p = changetype<Flow>(p).chain) {
    if (changetype<Flow>(p).hash == hash) {
      bail(Bail.Collision);
      return null;
    }
  }
  const f = changetype<Flow>(zeroed(offsetof<Flow>()));
  f.hash = hash;
  f.family = family;
  const c = srcIsClient ? srcAt : dstAt;
  const s = srcIsClient ? dstAt : srcAt;
  f.c0 = be32(c);
  f.s0 = be32(s);
  if (family == 6) {
    f.c1 = be32(c + 4);
    f.c2 = be32(c + 8);
    f.c3 = be32(c + 12);
    f.s1 = be32(s + 4);
    f.s2 = be32(s + 8);
    f.s3 = be32(s + 12);
  }
  f.cport = srcIsClient ? srcPort : dstPort;
  f.sport = srcIsClient ? dstPort : srcPort;
  f.request = newHalf(1);
  f.response = newHalf(0);
  f.lastTsUs = ts;
  add(f);
  open++;
  return f;
}

function add(f: Flow): void {
  if (count + 1 > (slotMask + 1) >> 1) grow();
  const slot = slotOf(f.hash);
  f.chain = load<usize>(slot);
  store<usize>(slot, changetype<usize>(f));
  count++;
  f.prev = newest;
  f.next = 0;
  if (newest != 0) changetype<Flow>(newest).next = changetype<usize>(f);
  else oldest = changetype<usize>(f);
  newest = changetype<usize>(f);
}

function grow(): void {
  const old = slots;
  const oldSize = slotMask + 1;
  slotMask = (oldSize << 1) - 1;
  slots = zeroed(<usize>(slotMask + 1) << 2);
  for (let i = 0; i < oldSize; i++) {
    for (let p = load<usize>(old + (<usize>i << 2)); p != 0; ) {
      const f = changetype<Flow>(p);
      p = f.chain;
      const slot = slotOf(f.hash);
      f.chain = load<usize>(slot);
      store<usize>(slot, changetype<usize>(f));
    }
  }
  heap.free(old);
}

function remove(f: Flow): void {
  const slot = slotOf(f.hash);
  const me = changetype<usize>(f);
  if (load<usize>(slot) == me) store<usize>(slot, f.chain);
  else {
    let p = load<usize>(slot);
    while (changetype<Flow>(p).chain != me) p = changetype<Flow>(p).chain;
    changetype<Flow>(p).chain = f.chain;
  }
  count--;
  if (f.prev != 0) changetype<Flow>(f.prev).next = f.next;
  else oldest = f.next;
  if (f.next != 0) changetype<Flow>(f.next).prev = f.prev;
  else newest = f.prev;
  freeHalf(f.request);
  freeHalf(f.response);
  if (f.q != 0) heap.free(f.q);
  heap.free(me);
}

function freeHalf(h: Half): void {
  release(h);
  if (h.stash != 0) heap.free(h.stash);
  heap.free(changetype<usize>(h));
}

/** Flow.end: halves flushed, then the sink ended (its queue written) exactly once. */
function end(f: Flow, ts: i64): void {
  if (f.ended) return;
  f.ended = 1;
  flush(f, f.request, ts);
  if (bailCode != 0) return;
  flush(f, f.response, ts);
  if (bailCode != 0) return;
  if (f.sinkEnded) return;
  f.sinkEnded = 1;
  finish(f, f.request, ts);
  finish(f, f.response, ts);
  if (bailCode != 0) return;
  sendAll(f);
}

function retire(f: Flow, ts: i64): void {
  if (!f.ended) {
    end(f, ts);
    open--;
  }
  remove(f);
}

/** Called for every packet before it is decoded: packet time goes on, flows may expire. */
export function tick(ts: i64): void {
  if (ts > lastTsUs) lastTsUs = ts;
  if (lastTsUs >= nextSweepUs) sweep();
}

function sweep(): void {
  const now = lastTsUs;
  nextSweepUs = now + 1000000;
  for (let p = oldest; p != 0 && bailCode == 0; ) {
    const f = changetype<Flow>(p);
    p = f.next;
    const idle = now - f.lastTsUs;
    if (!f.ended && f.hasReset) {
      end(f, now);
      open--;
    } else if (f.ended ? idle > LINGER_US : idle > IDLE_US) retire(f, now);
  }
}

/** End of input: every flow still in the table is retired, oldest first. */
export function finishFlows(): void {
  for (let p = oldest; p != 0 && bailCode == 0; ) {
    const f = changetype<Flow>(p);
    p = f.next;
    retire(f, lastTsUs);
  }
}
