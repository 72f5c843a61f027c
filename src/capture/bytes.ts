/**
 * 32-bit reads for the per-packet path, where the caller has already checked the bytes are there.
 * Buffer's readUInt32LE/BE check their argument on every call; in a cold run (most of a capture's is)
 * those checks showed in profiles of record and header parsing.
 */
export function u32le(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

export function u32be(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
