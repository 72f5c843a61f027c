// The tsv lane: `shadowtap cat FILE.pcap` for the usual capture, in WebAssembly. It mirrors the JS
// pipeline step for step on the paths it supports and bails on anything else; src/capture/lane/tsv-lane.ts
// then lets the JS pipeline redo the file, printing only what comes after what this lane printed.
import { Bail, bail, bailCode, emitted, outCommitted, outPtr, outReset } from './state';
import { decode, supportedLink } from './packet';
import { finishFlows, initFlows, onSegment, tick } from './flows';
import { feedPcapng, initPcapng } from './pcapng';

const MAX_RECORD: u32 = 16 * 1024 * 1024;

let little = true;
let nano = false;
let pcapng = false;
let linkType: i32 = 0;
let input: usize = 0;
let inputCap: i32 = 0;

/**
 * Starts a classic pcap file whose 24-byte header said this (false when its link type is not one the lane
 * decodes), or a pcapng file (`link` -1: the file is fed from its first byte).
 */
export function init(le: bool, ns: bool, link: i32, capacity: i32): bool {
  little = le;
  nano = ns;
  linkType = link;
  pcapng = link == -1;
  input = heap.alloc(<usize>capacity);
  inputCap = capacity;
  initFlows();
  if (pcapng) initPcapng();
  return pcapng || supportedLink(link);
}

export function inputPtr(): usize {
  return input;
}

@inline function word(p: usize): u32 {
  const v = load<u32>(p);
  return little ? v : bswap<u32>(v);
}

/** Parses the whole records in input[0..len); returns the bytes consumed. */
export function feed(len: i32): i32 {
  if (pcapng) return feedPcapng(input, len, inputCap);
  let off = 0;
  while (len - off >= 16 && bailCode == 0) {
    const rec = input + <usize>off;
    const incl = word(rec + 8);
    if (incl > MAX_RECORD || <i64>incl + 16 > <i64>inputCap) {
      bail(Bail.Record);
      break;
    }
    if (len - off < 16 + <i32>incl) break;
    if (word(rec + 12) > MAX_RECORD) {
      bail(Bail.Record); // an original length past what 32-bit offsets here can add up
      break;
    }
    const sec = <i64>word(rec);
    const frac = <i64>word(rec + 4);
    const orig = word(rec + 12);
    const ts = sec * 1000000 + (nano ? frac / 1000 : frac);
    const start = rec + 16;
    const end = start + <usize>incl;
    tick(ts);
    if (bailCode == 0 && decode(linkType, start, end, <i32>(orig < incl ? incl : orig))) onSegment(ts);
    off += 16 + <i32>incl;
  }
  return off;
}

export function finish(): void {
  if (bailCode == 0) finishFlows();
}

export function bailReason(): i32 {
  return bailCode;
}

export function emittedCount(): i32 {
  return emitted;
}

export function output(): usize {
  return outPtr;
}

export function outputLength(): i32 {
  return outCommitted;
}

export function clearOutput(): void {
  outReset();
}

/** Moves the unconsumed input[used..have) to the front, for the next read to follow it. */
export function compact(used: i32, have: i32): void {
  memory.copy(input, input + <usize>used, <usize>(have - used));
}
