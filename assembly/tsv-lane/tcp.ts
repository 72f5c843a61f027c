// TCP reassembly for in-order traffic (mirrors src/capture/tcp/half-stream.ts): segments at or before
// the next expected byte are delivered, the rest would be held or declared a gap — the lane bails.
import { Bail, bail } from './state';
import { Flow, Half } from './types';
import { finish, push } from './http';

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
    if (seqDiff(seq, h.nextSeq) > 0) {
      bail(Bail.OutOfOrder);
      return;
    }
    const skip = -<i64>seqDiff(seq, h.nextSeq); // 2^31 is "already delivered", as in JS
    if (skip < <i64>wireLen) {
      if (captured < wireLen) {
        bail(Bail.Gap); // cut by the snap length
        return;
      }
      push(flow, h, data + <usize>skip, captured - <i32>skip, ts);
      h.nextSeq = seq + <u32>wireLen;
    }
  }
  checkFin(flow, h, ts);
}

/** The peer acknowledged everything before `ack`: bytes of it we never saw would be a gap. */
export function acked(flow: Flow, h: Half, ack: u32, ts: i64): void {
  if (!h.started || h.closed) return;
  const limit = h.hasFin && ack == h.finSeq + 1 ? h.finSeq : ack;
  if (seqDiff(limit, h.nextSeq) > 0) {
    bail(Bail.Gap);
    return;
  }
  checkFin(flow, h, ts);
}

/** End of flow: nothing is held here; a FIN beyond the bytes seen would be a gap. */
export function flush(flow: Flow, h: Half, ts: i64): void {
  if (h.hasFin && seqDiff(h.finSeq, h.nextSeq) > 0) {
    bail(Bail.Gap);
    return;
  }
  checkFin(flow, h, ts);
}

function checkFin(flow: Flow, h: Half, ts: i64): void {
  if (h.closed || !h.hasFin || h.nextSeq != h.finSeq) return;
  h.closed = 1;
  if (!flow.sinkEnded) finish(flow, h, ts);
}
