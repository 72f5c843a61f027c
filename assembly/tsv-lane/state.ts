// Shared state of the lane: the bail flag and the tsv output buffer.
import { resize } from './types';

/** Why the lane stopped (0: it has not). Once set, nothing more is emitted: the JS pipeline takes over. */
export let bailCode: i32 = 0;
/** Exchanges written to the output, all of them exactly as the JS pipeline prints them. */
export let emitted: i32 = 0;

export const enum Bail {
  None = 0,
  OutOfOrder = 1,
  Gap = 2,
  Tunnel = 3,
  Unusual = 4, // an HTTP head or body framing outside the usual shapes
  Stash = 5, // a partial head or line longer than the JS parser keeps
  Collision = 6, // two flows in one hash bucket (the JS table's iteration order differs)
  TooManyFlows = 7,
  Record = 8, // a record the reader cannot take (over its size)
  PartialHead = 9, // a flow ended inside a head
}

export function bail(code: i32): void {
  if (bailCode == 0) bailCode = code;
}

export let outPtr: usize = 0;
export let outLen: i32 = 0;
/** Bytes of whole lines: what the reader may take even if the lane trapped in the middle of one. */
export let outCommitted: i32 = 0;
let outCap: i32 = 0;

export function outReset(): void {
  outLen = 0;
  outCommitted = 0;
}

function reserve(n: i32): void {
  if (outLen + n <= outCap) return;
  let cap = outCap < 65536 ? 65536 : outCap;
  while (cap < outLen + n) cap <<= 1;
  outPtr = resize(outPtr, <usize>cap);
  outCap = cap;
}

function writeI64(v: i64): void {
  reserve(21);
  if (v < 0) {
    store<u8>(outPtr + <usize>outLen, 45);
    outLen++;
    v = -v;
  }
  // Timestamps have 16 digits: two 32-bit halves divide much faster than one 64-bit number.
  if (v < 100000000) writeU32(<u32>v, 0);
  else if (v >= 100000000 * 1000000000) {
    // Beyond any packet time (2^32 s in µs): not on a hot path.
    writeI64(v / 100000000);
    writeU32(<u32>(v % 100000000), 8);
  } else {
    writeU32(<u32>(v / 100000000), 0);
    writeU32(<u32>(v % 100000000), 8);
  }
}

/** v in decimal, zero-padded to `width` digits. */
function writeU32(v: u32, width: i32): void {
  let digits = 1;
  for (let t = v; t >= 10; t /= 10) digits++;
  if (digits < width) digits = width;
  let at = outPtr + <usize>(outLen + digits);
  for (let i = 0; i < digits; i++) {
    at--;
    store<u8>(at, <u8>(48 + v % 10));
    v /= 10;
  }
  outLen += digits;
}

function writeByte(c: i32): void {
  reserve(1);
  store<u8>(outPtr + <usize>outLen, <u8>c);
  outLen++;
}

/** One tsv line: start_us, "method\ttarget" (ASCII, as stored), status and latency or "-". */
export function emitLine(startUs: i64, text: usize, textLen: i32, hasResponse: bool, status: i32, latencyUs: i64): void {
  if (bailCode != 0) return;
  writeI64(startUs);
  writeByte(9);
  reserve(textLen);
  memory.copy(outPtr + <usize>outLen, text, <usize>textLen);
  outLen += textLen;
  writeByte(9);
  if (hasResponse) writeI64(<i64>status);
  else writeByte(45);
  writeByte(9);
  if (hasResponse) writeI64(latencyUs);
  else writeByte(45);
  writeByte(10);
  outCommitted = outLen;
  emitted++;
}
