/** Sequence arithmetic modulo 2^32: the signed distance from b to a. */
export const seqDiff = (a: number, b: number): number => (a - b) | 0;

/**
 * How long the peer's acknowledgement of bytes we have not seen must stand before they count as lost:
 * captures reorder packets between the two directions (`tcpdump -i any` on several CPUs, multi-queue
 * NICs), so an ACK is often recorded just before the data it acknowledges. The hole must still be open
 * after this many later packets of the flow, or this much capture time, whichever comes first (see
 * README, "TCP", for how these were chosen).
 */
export const HOLE_WINDOW_PACKETS = 64;
export const HOLE_WINDOW_US = 200_000;

/**
 * What one direction knows about bytes its peer acknowledged but the capture has not shown: how far the
 * acknowledgements reach, and since when (packet count, capture time) the stream has stood still under them.
 */
export class AckEvidence {
  /** The highest acknowledgement beyond the stream's next byte; undefined when none is outstanding. */
  to: number | undefined;
  private stallSeq = 0;
  private stallSeen = 0;
  private stallUs = 0;
  /** When the peer first acknowledged past the stream while it stood at `firstSeq`. */
  private firstSeq: number | undefined;
  private firstUs = 0;

  /** The peer acknowledged up to `limit`, past `next` (the stream's next byte), at the flow's `seen`-th packet. */
  note(limit: number, next: number, seen: number, tsUs: number): void {
    if (this.firstSeq !== next) [this.firstSeq, this.firstUs] = [next, tsUs];
    if (this.to === undefined) this.stall(next, seen, tsUs);
    if (this.to === undefined || seqDiff(limit, this.to) > 0) this.to = limit;
  }

  /** Whether the hole at `next` has stood for the window; when the stream moved, the window restarts. */
  due(next: number, seen: number, tsUs: number): boolean {
    if (next !== this.stallSeq) {
      this.stall(next, seen, tsUs);
      return false;
    }
    return seen - this.stallSeen >= HOLE_WINDOW_PACKETS || tsUs - this.stallUs >= HOLE_WINDOW_US;
  }

  /** When the bytes at `next` were known to be on the wire: the first acknowledgement past them. */
  dateOf(next: number): number {
    return this.firstSeq === next ? this.firstUs : this.stallUs;
  }

  private stall(next: number, seen: number, tsUs: number): void {
    this.stallSeq = next;
    this.stallSeen = seen;
    this.stallUs = tsUs;
  }
}
