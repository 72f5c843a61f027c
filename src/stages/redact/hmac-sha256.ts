// HMAC-SHA256 by hand, for one reason: redaction hashes every secret it has not seen before (a session
// cookie, a bearer token, a password: on real traffic nearly every request brings new ones), and
// node:crypto builds a native Hmac object per value, ~7 µs on a 2-core machine, where the two SHA-256
// compressions an HMAC of a short value needs cost ~1 µs each in JIT-compiled JS. @noble/hashes measured
// 2× slower than node:crypto here (an object graph per clone). The key's inner and outer pad blocks are
// compressed once per key, so a value of up to 55 bytes costs exactly two compressions and allocates
// nothing but its result. test/stages/hmac-sha256.test.ts holds it equal to node:crypto's createHmac.
import { createHash } from 'node:crypto';

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const BLOCK = 64;
/** The message schedule: compress() reads the block from W[0..16) and fills the rest. */
const W = new Int32Array(64);

/** One SHA-256 compression of the block in W[0..16) into state. */
function compress(state: Int32Array): void {
  const w = W;
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    w[i] = (w[i - 16]! + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w[i - 7]! + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  // Eight rounds a turn, each line one round: the roles of a..h move along the lines instead of eight
  // assignments per round, and Σ, Ch and Maj are written out (as functions they were not inlined and
  // the compression took 1.3× as long).
  for (let i = 0; i < 64; i += 8) {
    let t = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K[i]! + w[i]!) | 0;
    d = (d + t) | 0;
    h = (t + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
    t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + K[i + 1]! + w[i + 1]!) | 0;
    c = (c + t) | 0;
    g = (t + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) | (b & (h | a)))) | 0;
    t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + K[i + 2]! + w[i + 2]!) | 0;
    b = (b + t) | 0;
    f = (t + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) | (a & (g | h)))) | 0;
    t = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + K[i + 3]! + w[i + 3]!) | 0;
    a = (a + t) | 0;
    e = (t + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) | (h & (f | g)))) | 0;
    t = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + K[i + 4]! + w[i + 4]!) | 0;
    h = (h + t) | 0;
    d = (t + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) | (g & (e | f)))) | 0;
    t = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + K[i + 5]! + w[i + 5]!) | 0;
    g = (g + t) | 0;
    c = (t + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) | (f & (d | e)))) | 0;
    t = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + K[i + 6]! + w[i + 6]!) | 0;
    f = (f + t) | 0;
    b = (t + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) | (e & (c | d)))) | 0;
    t = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + K[i + 7]! + w[i + 7]!) | 0;
    e = (e + t) | 0;
    a = (t + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) | (d & (b | c)))) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** W[0..16) from the 64 bytes at bytes[off..), as big-endian words. */
function load(bytes: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++, off += 4) W[i] = (bytes[off]! << 24) | (bytes[off + 1]! << 16) | (bytes[off + 2]! << 8) | bytes[off + 3]!;
}

/** Appends SHA-256 padding for a message of `total` bytes whose last `len` bytes are in buf[0..len); returns the padded length. */
function pad(buf: Uint8Array, len: number, total: number): number {
  const end = len + 9 + ((BLOCK - ((len + 9) % BLOCK)) % BLOCK);
  buf[len] = 0x80;
  buf.fill(0, len + 1, end - 8);
  const bits = total * 8;
  const hi = Math.floor(bits / 2 ** 32);
  buf[end - 8] = hi >>> 24;
  buf[end - 7] = (hi >>> 16) & 255;
  buf[end - 6] = (hi >>> 8) & 255;
  buf[end - 5] = hi & 255;
  buf[end - 4] = bits >>> 24;
  buf[end - 3] = (bits >>> 16) & 255;
  buf[end - 2] = (bits >>> 8) & 255;
  buf[end - 1] = bits & 255;
  return end;
}

/** The padding after a 32-byte digest hashed behind one block: 0x80, zeros, the length in bits (96 × 8). */
const DIGEST_PAD = Int32Array.from([0x80000000, 0, 0, 0, 0, 0, 0, (BLOCK + 32) * 8]);

/** Eight words of `from` into `to` at `at`: a loop the compiler inlines, where TypedArray.set is a builtin call each. */
function copy8(from: Int32Array, to: Int32Array, at: number): void {
  for (let i = 0; i < 8; i++) to[at + i] = from[i]!;
}
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const utf8 = new TextEncoder();

/**
 * HMAC-SHA256 under `key` of a string's UTF-8 bytes, as the first `hexChars` (a multiple of 8, ≤ 64) hex digits
 * of the MAC: what `createHmac('sha256', key).update(value).digest('hex').slice(0, hexChars)` gives.
 */
export function hmacSha256Hex(key: Buffer, hexChars: number): (value: string) => string {
  const k = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
  const inner = IV.slice();
  const outer = IV.slice();
  const block = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) block[i] = (k[i] ?? 0) ^ 0x36;
  load(block, 0);
  compress(inner);
  for (let i = 0; i < BLOCK; i++) block[i] = (k[i] ?? 0) ^ 0x5c;
  load(block, 0);
  compress(outer);
  const state = new Int32Array(8);
  let buf = new Uint8Array(4 * BLOCK);
  const words = hexChars / 8;
  return (value) => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; 72 for the padding.
    if (value.length * 3 + 72 > buf.length) buf = new Uint8Array(value.length * 3 + 72);
    let n = 0;
    for (; n < value.length; n++) {
      const c = value.charCodeAt(n);
      if (c > 0x7f) break;
      buf[n] = c;
    }
    if (n < value.length) n = utf8.encodeInto(value, buf).written;
    const len = pad(buf, n, BLOCK + n);
    copy8(inner, state, 0);
    for (let o = 0; o < len; o += BLOCK) {
      load(buf, o);
      compress(state);
    }
    // The outer hash: opad block (done) then the inner digest, one padded block of 32 + 32 bytes.
    copy8(state, W, 0);
    copy8(DIGEST_PAD, W, 8);
    copy8(outer, state, 0);
    compress(state);
    let out = '';
    for (let i = 0; i < words; i++) {
      const w = state[i]!;
      out += HEX[w >>> 24]! + HEX[(w >>> 16) & 255]! + HEX[(w >>> 8) & 255]! + HEX[w & 255]!;
    }
    return out;
  };
}
