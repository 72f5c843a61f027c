// TCP reassembly (mirrors src/capture/tcp/half-stream.ts): segments at or before the next expected
// byte are delivered, later ones held (a copy) until the hole before them fills. A hole is declared a
// gap when the peer acknowledges bytes never seen, a limit is hit, the flow ends or the snap length cut
// a segment; the HTTP side (http.ts gap) takes it where the JS parser's framing survives, else bails.
import { bailCode } from './state';
import { Flow, Half } from './types';
import { finish, gap, push } from './http';

@inline export function seqDiff(a: u32, b: u32): i32 {
  return <i32>(a - b);
}

export function syn(h: Half, seq: u32): void {
  h.isn = seq;
  h.hasIsn = 1;
  if (!h.started) {
    h.started = 1;
    h.nextSeq = seq + 1;
  }
}

const PER_DIRECTION: i32 = 1 << 20;
const TOTAL: i32 = 64 << 20;
let heldTotal: i32 = 0;

// A held segment: [next usize][seq u32][wireLen i32][captured i32][pad][ts i64], then the bytes.
const HELD_HEADER: usize = 24;

/** `data` holds `captured` bytes of a payload of `wireLen` on the wire. */
export function segment(flow: Flow, h: Half, seq: u32, data: usize, captured: i32, wireLen: i32, fin: bool, ts: i64): void {
  if (!h.started) {
    h.started = 1;
    h.nextSeq = seq;
  }
  if (fin && !h.hasFin) {
    h.hasFin = 1;
    h.finSeq = seq + <u32>wireLen;
  }
  if (wireLen > 0 && !h.closed) {
    if (seqDiff(seq, h.nextSeq) <= 0) {
      deliver(flow, h, seq, data, captured, wireLen, ts);
      drain(flow, h);
    } else hold(flow, h, seq, data, captured, wireLen, ts);
    if (bailCode != 0) return;
  }
  checkFin(flow, h, ts);
}

function deliver(flow: Flow, h: Half, seq: u32, data: usize, captured: i32, wireLen: i32, ts: i64): void {
  const skip = -<i64>seqDiff(seq, h.nextSeq); // 2^31 is "already delivered", as in JS
  if (skip >= <i64>wireLen) return;
  if (skip < <i64>captured) push(flow, h, data + <usize>skip, captured - <i32>skip, ts);
  if (captured < wireLen) gap(flow, h, <i64>wireLen - (skip > <i64>captured ? skip : <i64>captured), ts); // cut by the snap length
  h.nextSeq = seq + <u32>wireLen;
}

function drain(flow: Flow, h: Half): void {
  while (h.pending != 0 && bailCode == 0 && seqDiff(load<u32>(h.pending + 4), h.nextSeq) <= 0) {
    const s = h.pending;
    h.pending = load<usize>(s);
    const captured = load<i32>(s + 12);
    h.pendingBytes -= captured;
    heldTotal -= captured;
    deliver(flow, h, load<u32>(s + 4), s + HELD_HEADER, captured, load<i32>(s + 8), load<i64>(s + 16));
    heap.free(s);
  }
}

function hold(flow: Flow, h: Half, seq: u32, data: usize, captured: i32, wireLen: i32, ts: i64): void {
  const s = heap.alloc(HELD_HEADER + <usize>captured);
  store<u32>(s + 4, seq);
  store<i32>(s + 8, wireLen);
  store<i32>(s + 12, captured);
  store<i64>(s + 16, ts);
  memory.copy(s + HELD_HEADER, data, <usize>captured);
  // After the last one with a sequence number at or before this one's (repeats keep their order).
  let link = changetype<usize>(h) + offsetof<Half>('pending');
  while (load<usize>(link) != 0 && seqDiff(load<u32>(load<usize>(link) + 4), seq) <= 0) link = load<usize>(link);
  store<usize>(s, load<usize>(link));
  store<usize>(link, s);
  h.pendingBytes += captured;
  heldTotal += captured;
  // Over a limit, give up waiting for the oldest hole (as the JS pipeline does): a gap.
  while (h.pending != 0 && bailCode == 0 && (h.pendingBytes > PER_DIRECTION || heldTotal > TOTAL)) {
    skipTo(flow, h, load<u32>(h.pending + 4), ts);
    drain(flow, h);
  }
}

function skipTo(flow: Flow, h: Half, seq: u32, ts: i64): void {
  const missing = seqDiff(seq, h.nextSeq);
  if (missing <= 0) return;
  gap(flow, h, <i64>missing, ts);
  h.nextSeq = seq;
}

/** Frees what a flow held (after a bail nothing more is delivered). */
export function release(h: Half): void {
  for (let s = h.pending; s != 0; ) {
    const next = load<usize>(s);
    heldTotal -= load<i32>(s + 12);
    heap.free(s);
    s = next;
  }
  h.pending = 0;
}

/** The peer acknowledged everything before `ack`: bytes of it we never saw would be a gap. */
export function acked(flow: Flow, h: Half, ack: u32, ts: i64): void {
  if (!h.started || h.closed) return;
  const limit = h.hasFin && ack == h.finSeq + 1 ? h.finSeq : ack;
  while (seqDiff(limit, h.nextSeq) > 0 && bailCode == 0) {
    const first = h.pending;
    skipTo(flow, h, first != 0 && seqDiff(load<u32>(first + 4), limit) < 0 ? load<u32>(first + 4) : limit, ts);
    drain(flow, h);
  }
  if (bailCode == 0) checkFin(flow, h, ts);
}

/** End of flow: what is held is delivered, with gaps for the holes before it. */
export function flush(flow: Flow, h: Half, ts: i64): void {
  while (h.pending != 0 && bailCode == 0) {
    skipTo(flow, h, load<u32>(h.pending + 4), load<i64>(h.pending + 16));
    drain(flow, h);
  }
  if (bailCode != 0) return;
  if (h.hasFin && seqDiff(h.finSeq, h.nextSeq) > 0) skipTo(flow, h, h.finSeq, ts);
  if (bailCode == 0) checkFin(flow, h, ts);
}

function checkFin(flow: Flow, h: Half, ts: i64): void {
  if (h.closed || !h.hasFin || h.nextSeq != h.finSeq) return;
  h.closed = 1;
  if (!flow.sinkEnded) finish(flow, h, ts);
}
