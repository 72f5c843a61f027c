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
 * JSON.stringify writes them, unescaped. Per word, the classic "has a byte less than n" test: a byte below
 * 0x20, or one equal to 0x22 or 0x5c (below 1 after xor), sets its high bit in `x - 0x20202020` or
 * `(x ^ q) - 0x01010101`. The test's usual `& ~x` is left out: every byte is below 0x80, so ~x has every high
 * bit set. A borrow can set a high bit above a byte that really is below, never without one, so the yes/no
 * answer is exact. Words are or-ed together four at a time and tested once: a branch per word cost more
 * than the arithmetic.
 */
export function asciiClean(v: WordView, from: number, to: number): boolean {
  const { bytes, words } = v;
  let i = from;
  for (; i < to && (i & 3) !== 0; i++) if (needsEscape(bytes[i]!)) return false;
  const last = to >>> 2;
  let w = i >>> 2;
  let acc = 0;
  for (; w + 4 <= last; w += 4) {
    acc |= flags(words[w]!) | flags(words[w + 1]!) | flags(words[w + 2]!) | flags(words[w + 3]!);
    if (acc & 0x80808080) return false;
  }
  for (; w < last; w++) acc |= flags(words[w]!);
  if (acc & 0x80808080) return false;
  for (i = Math.max(i, last << 2); i < to; i++) if (needsEscape(bytes[i]!)) return false;
  return true;
}

// JSON.stringify's short escapes: \b \t \n \f \r.
export const SHORT_ESCAPE: Record<number, number> = { 8: 0x62, 9: 0x74, 10: 0x6e, 12: 0x66, 13: 0x72 };

/** Bytes JSON.stringify writes for the ASCII character c. */
export const escapedLength = (c: number): number => (c >= 0x20 ? (c === 0x22 || c === 0x5c ? 2 : 1) : SHORT_ESCAPE[c] !== undefined ? 2 : 6);

/**
 * The bytes JSON.stringify's escapes add to bytes [from, to) (all below 0x80). Words that need no escape
 * (see asciiClean) are passed whole: a body's one escape (its last newline) no longer costs a test per byte.
 */
export function escapesExtra(v: WordView, from: number, to: number): number {
  const { bytes, words } = v;
  let extra = 0;
  let i = from;
  for (; i < to && (i & 3) !== 0; i++) extra += escapedLength(bytes[i]!) - 1;
  const last = to >>> 2;
  for (let w = i >>> 2; w < last; w++) {
    if (cleanWord(words[w]!)) continue;
    for (let j = w << 2, e = j + 4; j < e; j++) extra += escapedLength(bytes[j]!) - 1;
  }
  for (i = Math.max(i, last << 2); i < to; i++) extra += escapedLength(bytes[i]!) - 1;
  return extra;
}

/** Whether none of the word's four bytes (all below 0x80) needs an escape: exact, as asciiClean's answer is. */
export const cleanWord = (x: number): boolean => (flags(x) & 0x80808080) === 0;

/** A word's bytes below 0x20, equal to 0x22 or to 0x5c, as high bits (see asciiClean). */
const flags = (x: number): number => (x - 0x20202020) | ((x ^ 0x22222222) - 0x01010101) | ((x ^ 0x5c5c5c5c) - 0x01010101);
