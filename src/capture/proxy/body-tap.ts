import { Buffer } from 'node:buffer';
import type { Body } from '../../exchange.js';
import { makeBody } from '../../body.js';

/** Keeps the first `maxBytes` of a streamed body (by reference, no copies) and counts all of it. */
export class BodyTap {
  private chunks: Buffer[] = [];
  private kept = 0;
  size = 0;

  constructor(private readonly maxBytes: number) {}

  add(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.kept >= this.maxBytes) return;
    const room = this.maxBytes - this.kept;
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(piece);
    this.kept += piece.length;
  }

  /** undefined for an empty body, as packet capture does. */
  body(): Body | undefined {
    if (this.size === 0) return undefined;
    // One chunk (most bodies) needs no copy: makeBody only reads the bytes.
    const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.kept);
    return makeBody(bytes, this.size, this.maxBytes);
  }
}
