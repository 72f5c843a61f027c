/**
 * Whether encoded ASCII text needs JSON escaping, read four bytes at a time: a scan per character (a
 * regular expression or a loop over the string) was most of what a body cost to serialise.
 */

/** A buffer's 32-bit words (little-endian or not: every test below is per byte). */
export class WordView {
  readonly words: Uint32Array;
  readonly bytes: Uint8Array;
  /** The same bytes for unaligned stores. */
  readonly data: DataView;
  constructor(buf: Uint8Array) {
    if (buf.byteOffset % 4 !== 0) throw new Error('WordView: buffer not aligned to 4 bytes');
    this.bytes = buf;
    this.data = new DataView(buf.buffer, buf.byteOffset, buf.length);
    this.words = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
  }
}

const needsEscape = (c: number): boolean => c < 0x20 || c === 0x22 || c === 0x5c;

/**
 * True when bytes [from, to) (all below 0x80) hold no quote, backslash or control character: as
 * JSON.stringify writes them, unescaped. Per word: a byte below 0x20, or one equal to 0x22 or 0x5c
 * (zero after xor), sets its high bit in the classic "has a byte less than" test, which is exact as a
 * yes/no answer.
 */
export function asciiClean(v: WordView, from: number, to: number): boolean {
  const { bytes, words } = v;
  let i = from;
  for (; i < to && (i & 3) !== 0; i++) if (needsEscape(bytes[i]!)) return false;
  const last = to >>> 2;
  for (let w = i >>> 2; w < last; w++) {
    const x = words[w]!;
    const q = x ^ 0x22222222;
    const b = x ^ 0x5c5c5c5c;
    if ((((x - 0x20202020) & ~x) | ((q - 0x01010101) & ~q) | ((b - 0x01010101) & ~b)) & 0x80808080) return false;
  }
  for (i = Math.max(i, last << 2); i < to; i++) if (needsEscape(bytes[i]!)) return false;
  return true;
}
