import { Buffer } from 'node:buffer';
import { AckEvidence, seqDiff } from './ack-evidence.js';
import type { CaptureStats, Direction, TcpStreamSink } from './stream-sink.js';

/** Bytes held out of order, across all flows: one shared counter, so the total limit is global. */
export interface Budget {
  used: number;
  max: number;
  perDirection: number;
}

interface Pending {
  seq: number;
  data: Buffer; // a copy: the packet buffer is not ours to keep
  wireLen: number;
  tsUs: number;
  ack: number;
}

/**
 * One direction of a TCP connection: turns segments in any order, with repeats and overlaps, into
 * in-order bytes delivered exactly once, and reports every hole as a gap instead of stitching across it.
 * A hole is declared when the peer's acknowledgement of bytes we never saw stands for the hole window
 * (they were lost by the capture, not the network), when the out-of-order buffer hits its limit, or
 * when the flow ends.
 */
export class HalfStream {
  started = false;
  nextSeq = 0;
  isn: number | undefined;
  finSeq: number | undefined;
  closed = false;
  /** Sequence bytes passed so far (delivered or declared lost): the stream offset of nextSeq. */
  private offset = 0;
  private pending: Pending[] = [];
  private pendingBytes = 0;
  /** Packets of the flow seen by this half (its own segments and the peer's ACKs). */
  private seen = 0;
  private readonly acks = new AckEvidence();

  constructor(
    private readonly dir: Direction,
    private readonly sink: TcpStreamSink,
    private readonly stats: CaptureStats,
    private readonly budget: Budget,
  ) {}

  syn(seq: number): void {
    this.isn = seq;
    if (!this.started) {
      this.started = true;
      this.nextSeq = (seq + 1) >>> 0;
    }
  }

  /**
   * The stream offset of sequence number `seq` of this direction (bytes since its first, gaps included),
   * -1 before the direction has started: how the peer's acknowledgements reach the HTTP layer.
   */
  offsetOf(seq: number): number {
    return this.started ? this.offset + seqDiff(seq, this.nextSeq) : -1;
  }

  /**
   * buf[start..end) is the captured payload (possibly less than `wireLen` when the snap length cut it);
   * `ack` is what the packet acknowledged of the peer's stream, as the peer's offsetOf() gives it.
   */
  segment(seq: number, buf: Buffer, start: number, end: number, wireLen: number, fin: boolean, tsUs: number, ack: number): void {
    if (!this.started) {
      this.started = true;
      this.nextSeq = seq;
    }
    this.seen++;
    if (fin && this.finSeq === undefined) this.finSeq = (seq + wireLen) >>> 0;
    if (wireLen > 0 && !this.closed) {
      if (seqDiff(seq, this.nextSeq) <= 0) {
        this.deliver(seq, buf, start, end, wireLen, tsUs, ack);
        this.drain();
      } else this.hold(seq, buf, start, end, wireLen, tsUs, ack);
    }
    this.settle(tsUs);
  }

  /**
   * The peer acknowledged everything before `ack`: what of it we have not seen is a gap once the evidence
   * stands, or at once when the acknowledging packet carries data (`withData`): the peer sent that data
   * after receiving the missing bytes, so they come first in the conversation, and waiting would hand the
   * peer's data on ahead of them (a response before its request).
   */
  acked(ack: number, tsUs: number, withData = false): void {
    if (!this.started || this.closed) return;
    this.seen++;
    const limit = this.finSeq !== undefined && ack === ((this.finSeq + 1) >>> 0) ? this.finSeq : ack;
    if (seqDiff(limit, this.nextSeq) > 0) {
      this.acks.note(limit, this.nextSeq, this.seen, tsUs);
      // Unless the hole is one sequence number with nothing after it: that is a FIN captured late, as
      // often as a lost byte, and no message waits on a FIN.
      const finSized = this.finSeq === undefined && this.pending.length === 0 && seqDiff(this.acks.to!, this.nextSeq) === 1;
      if (withData && !finSized) this.skipAcked();
    }
    this.settle(tsUs);
  }

  /** Waiting for acknowledged bytes to show up. */
  get holding(): boolean {
    return this.acks.to !== undefined;
  }

  /**
   * Declares the acknowledged hole a gap once it has stood for the window; `tsUs` is the packet's time,
   * or the sweep's for a flow gone quiet.
   */
  settle(tsUs: number): void {
    // An acknowledgement of a FIN seen since: the FIN's sequence number carries no byte.
    const acks = this.acks;
    if (this.finSeq !== undefined && acks.to === ((this.finSeq + 1) >>> 0)) acks.to = this.finSeq;
    if (acks.to !== undefined && !this.closed) {
      if (seqDiff(acks.to, this.nextSeq) <= 0) acks.to = undefined; // filled: it was reordering
      else if (acks.due(this.nextSeq, this.seen, tsUs)) this.skipAcked();
    }
    this.checkFin(tsUs);
  }

  /**
   * Gives up on the bytes acknowledged but never seen, dated by the first acknowledgement past them (the
   * moment they were known to be on the wire), not by when the window ran out.
   */
  private skipAcked(): void {
    const to = this.acks.to!;
    const at = this.acks.dateOf(this.nextSeq);
    this.acks.to = undefined;
    while (seqDiff(to, this.nextSeq) > 0) {
      const first = this.pending[0];
      this.skipTo(first && seqDiff(first.seq, to) < 0 ? first.seq : to, at);
      this.drain();
    }
  }

  /** End of flow: deliver what is held, with gaps for the holes before it (acknowledged ones included). */
  flush(tsUs: number): void {
    if (this.acks.to !== undefined && !this.closed) this.skipAcked();
    for (let first = this.pending[0]; first; first = this.pending[0]) {
      this.skipTo(first.seq, first.tsUs);
      this.drain();
    }
    if (this.finSeq !== undefined && seqDiff(this.finSeq, this.nextSeq) > 0) this.skipTo(this.finSeq, tsUs);
    this.checkFin(tsUs);
  }

  private deliver(seq: number, buf: Buffer, start: number, end: number, wireLen: number, tsUs: number, ack: number): void {
    const skip = -seqDiff(seq, this.nextSeq);
    if (skip >= wireLen) return; // a retransmission of bytes already delivered
    const captured = end - start;
    if (skip < captured) this.sink.data(this.dir, buf, start + skip, end, tsUs, ack);
    if (captured < wireLen) this.gap(wireLen - Math.max(skip, captured), tsUs); // cut by the snap length
    this.offset += wireLen - skip;
    this.nextSeq = (seq + wireLen) >>> 0;
  }

  private drain(): void {
    const p = this.pending;
    while (p.length > 0 && seqDiff(p[0]!.seq, this.nextSeq) <= 0) {
      const s = p.shift()!;
      this.pendingBytes -= s.data.length;
      this.budget.used -= s.data.length;
      this.deliver(s.seq, s.data, 0, s.data.length, s.wireLen, s.tsUs, s.ack);
    }
  }

  /**
   * Holds the bytes of a segment past a hole that no held segment carries yet, so held segments never
   * overlap: a repeat (a retransmission, a packet recorded twice) adds nothing to the limits, and each
   * held byte keeps the first copy in file order that carried it, with that copy's time.
   */
  private hold(seq: number, buf: Buffer, start: number, end: number, wireLen: number, tsUs: number, ack: number): void {
    const p = this.pending;
    let i = p.length;
    while (i > 0 && seqDiff(p[i - 1]!.seq, seq) > 0) i--;
    const prev = p[i - 1];
    // Offsets into the segment: [from, wireLen) is what no held segment before it covers.
    let from = prev ? Math.max(0, seqDiff((prev.seq + prev.wireLen) >>> 0, seq)) : 0;
    const captured = end - start;
    let added = 0;
    while (from < wireLen) {
      const next = p[i];
      const to = next ? Math.min(wireLen, seqDiff(next.seq, seq)) : wireLen;
      if (to > from) {
        const data = Buffer.from(buf.subarray(start + Math.min(from, captured), start + Math.min(to, captured)));
        p.splice(i++, 0, { seq: (seq + from) >>> 0, data, wireLen: to - from, tsUs, ack });
        added += data.length;
      }
      if (!next) break;
      from = Math.max(from, seqDiff((next.seq + next.wireLen) >>> 0, seq));
      i++;
    }
    if (added === 0) return;
    this.pendingBytes += added;
    this.budget.used += added;
    // Over a limit: give up waiting for the oldest hole, so memory stays bounded and bytes flow again.
    while (this.pending.length > 0 && (this.pendingBytes > this.budget.perDirection || this.budget.used > this.budget.max)) {
      this.stats.memoryLimitHits++;
      this.skipTo(this.pending[0]!.seq, tsUs);
      this.drain();
    }
  }

  private skipTo(seq: number, tsUs: number): void {
    const missing = seqDiff(seq, this.nextSeq);
    if (missing <= 0) return;
    this.gap(missing, tsUs);
    this.offset += missing;
    this.nextSeq = seq >>> 0;
  }

  private gap(missing: number, tsUs: number): void {
    this.stats.gaps++;
    this.stats.gapBytes += missing;
    this.sink.gap(this.dir, missing, tsUs);
  }

  private checkFin(tsUs: number): void {
    if (this.closed || this.finSeq === undefined || this.nextSeq !== this.finSeq) return;
    this.closed = true;
    this.sink.halfClose?.(this.dir, tsUs);
  }

  /** Drops what is held without delivering it (flow reset or evicted). */
  release(): void {
    this.budget.used -= this.pendingBytes;
    this.pendingBytes = 0;
    this.pending = [];
  }
}
