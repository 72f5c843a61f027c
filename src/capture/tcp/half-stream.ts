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
}

/** Sequence arithmetic modulo 2^32: the signed distance from b to a. */
export const seqDiff = (a: number, b: number): number => (a - b) | 0;

/**
 * One direction of a TCP connection: turns segments in any order, with repeats and overlaps, into
 * in-order bytes delivered exactly once, and reports every hole as a gap instead of stitching across it.
 * A hole is declared when the peer acknowledges bytes we never saw (they were lost by the capture, not
 * the network), when the out-of-order buffer hits its limit, or when the flow ends.
 */
export class HalfStream {
  started = false;
  nextSeq = 0;
  isn: number | undefined;
  finSeq: number | undefined;
  closed = false;
  private pending: Pending[] = [];
  private pendingBytes = 0;

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

  /** `data` holds the captured payload (possibly less than `wireLen` when the snap length cut it). */
  segment(seq: number, data: Buffer | undefined, wireLen: number, fin: boolean, tsUs: number): void {
    if (!this.started) {
      this.started = true;
      this.nextSeq = seq;
    }
    if (fin && this.finSeq === undefined) this.finSeq = (seq + wireLen) >>> 0;
    if (wireLen > 0 && !this.closed) {
      if (seqDiff(seq, this.nextSeq) <= 0) {
        this.deliver(seq, data, wireLen, tsUs);
        this.drain();
      } else this.hold(seq, data, wireLen, tsUs);
    }
    this.checkFin(tsUs);
  }

  /** The peer acknowledged everything before `ack`: whatever of it we have not seen is a gap now. */
  acked(ack: number, tsUs: number): void {
    if (!this.started || this.closed) return;
    const limit = this.finSeq !== undefined && ack === ((this.finSeq + 1) >>> 0) ? this.finSeq : ack;
    while (seqDiff(limit, this.nextSeq) > 0) {
      const first = this.pending[0];
      const to = first && seqDiff(first.seq, limit) < 0 ? first.seq : limit;
      this.skipTo(to, tsUs);
      this.drain();
    }
    this.checkFin(tsUs);
  }

  /** End of flow: deliver what is held, with gaps for the holes before it. */
  flush(tsUs: number): void {
    for (let first = this.pending[0]; first; first = this.pending[0]) {
      this.skipTo(first.seq, first.tsUs);
      this.drain();
    }
    if (this.finSeq !== undefined && seqDiff(this.finSeq, this.nextSeq) > 0) this.skipTo(this.finSeq, tsUs);
    this.checkFin(tsUs);
  }

  private deliver(seq: number, data: Buffer | undefined, wireLen: number, tsUs: number): void {
    const skip = -seqDiff(seq, this.nextSeq);
    if (skip >= wireLen) return; // a retransmission of bytes already delivered
    const captured = data ? data.length : 0;
    if (skip < captured) this.sink.data(this.dir, skip === 0 ? data! : data!.subarray(skip), tsUs);
    if (captured < wireLen) this.gap(wireLen - Math.max(skip, captured), tsUs); // cut by the snap length
    this.nextSeq = (seq + wireLen) >>> 0;
  }

  private drain(): void {
    const p = this.pending;
    while (p.length > 0 && seqDiff(p[0]!.seq, this.nextSeq) <= 0) {
      const s = p.shift()!;
      this.pendingBytes -= s.data.length;
      this.budget.used -= s.data.length;
      this.deliver(s.seq, s.data, s.wireLen, s.tsUs);
    }
  }

  private hold(seq: number, data: Buffer | undefined, wireLen: number, tsUs: number): void {
    const copy = data ? Buffer.from(data) : Buffer.alloc(0);
    const p = this.pending;
    let i = p.length;
    while (i > 0 && seqDiff(p[i - 1]!.seq, seq) > 0) i--;
    p.splice(i, 0, { seq, data: copy, wireLen, tsUs });
    this.pendingBytes += copy.length;
    this.budget.used += copy.length;
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
