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
const W = new Int32Array(64);

/** One SHA-256 compression of block[off..off+64) into state. */
function compress(state: Int32Array, block: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    W[i] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15]!;
    const y = W[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
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

/** Appends SHA-256 padding for a message of `total` bytes whose last `len` bytes are in buf[0..len); returns the padded length. */
function pad(buf: Uint8Array, len: number, total: number): number {
  buf[len++] = 0x80;
  while (len % BLOCK !== 56) buf[len++] = 0;
  const bits = total * 8;
  const hi = Math.floor(bits / 2 ** 32);
  buf[len++] = hi >>> 24;
  buf[len++] = (hi >>> 16) & 255;
  buf[len++] = (hi >>> 8) & 255;
  buf[len++] = hi & 255;
  buf[len++] = bits >>> 24;
  buf[len++] = (bits >>> 16) & 255;
  buf[len++] = (bits >>> 8) & 255;
  buf[len++] = bits & 255;
  return len;
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
  compress(inner, block, 0);
  for (let i = 0; i < BLOCK; i++) block[i] = (k[i] ?? 0) ^ 0x5c;
  compress(outer, block, 0);
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
    state.set(inner);
    for (let o = 0; o < len; o += BLOCK) compress(state, buf, o);
    // The outer hash: opad block (done) then the inner digest, one padded block of 32 + 32 bytes.
    for (let i = 0; i < 8; i++) {
      const w = state[i]!;
      block[i * 4] = w >>> 24;
      block[i * 4 + 1] = (w >>> 16) & 255;
      block[i * 4 + 2] = (w >>> 8) & 255;
      block[i * 4 + 3] = w & 255;
    }
    pad(block, 32, BLOCK + 32);
    state.set(outer);
    compress(state, block, 0);
    let out = '';
    for (let i = 0; i < words; i++) {
      const w = state[i]!;
      out += HEX[w >>> 24]! + HEX[(w >>> 16) & 255]! + HEX[(w >>> 8) & 255]! + HEX[w & 255]!;
    }
    return out;
  };
}
