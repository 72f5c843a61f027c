import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US } from '../pcap/classic.js';
import { PCAPNG_SHB } from '../pcap/pcapng.js';

/**
 * `cat FILE.pcap` in tsv, in WebAssembly (assembly/tsv-lane): read, decode, reassemble, scan heads, pair
 * and print without a JS object per packet or message, and without the JIT warm-up that dominates a
 * one-shot listing (the JS path's first pass over a file costs ~2× its later ones).
 *
 * The lane is an accelerator, not a second definition: it mirrors the JS pipeline on the paths it
 * supports (in-order TCP, the usual HTTP/1.x heads and framings) and bails on anything else — segments
 * out of order, gaps, tunnels, unusual heads, a shared hash bucket. What it printed before bailing is
 * exactly what the JS pipeline prints first, so the caller re-runs the JS pipeline on the file and skips
 * that many exchanges (test/capture/tsv-lane*.test.ts check the equality, also on fuzzed captures).
 */
export type LaneOutcome = { done: true; emitted: number; warning?: string } | { done: false; emitted: number; reason: string };

interface LaneExports {
  memory: WebAssembly.Memory;
  init(le: number, ns: number, link: number, capacity: number): number;
  inputPtr(): number;
  feed(len: number): number;
  finish(): void;
  bailReason(): number;
  emittedCount(): number;
  output(): number;
  outputLength(): number;
  clearOutput(): void;
  compact(used: number, have: number): void;
}

const BAIL_REASONS = ['', 'out-of-order segment', 'gap', 'tunnel (CONNECT/Upgrade/101)', 'unusual HTTP head or framing', 'partial line over the parser limit', 'flows sharing a hash bucket', 'too many open flows', 'record larger than the lane reads', 'flow ended inside a head'];

/** Input region: records up to this size (a snap length is at most 256 KiB). */
const CAPACITY = 4 << 20;
const READ = 1 << 20;
const FLUSH_AT = 64 << 10;

interface Header {
  le: boolean;
  ns: boolean;
  /** -1 for pcapng (its interfaces name their link types). */
  link: number;
  /** Bytes before the first record: the file header of a classic pcap; pcapng is fed whole. */
  skip: number;
}

function headerOf(head: Buffer): Header | undefined {
  if (head.length < 24) return undefined; // the JS reader's own message for a cut header
  const le = head.readUInt32LE(0);
  const be = head.readUInt32BE(0);
  if (le === PCAPNG_SHB) return { le: true, ns: false, link: -1, skip: 0 };
  const little = le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS;
  if (!little && be !== PCAP_MAGIC_US && be !== PCAP_MAGIC_NS) return undefined;
  const magic = little ? le : be;
  const link = (little ? head.readUInt32LE(20) : head.readUInt32BE(20)) & 0x03ffffff;
  return { le: little, ns: magic === PCAP_MAGIC_NS, link, skip: 24 };
}

function readHeader(fd: number): Header | undefined {
  const head = Buffer.alloc(24);
  return headerOf(head.subarray(0, readSync(fd, head, 0, 24, 0)));
}

/** Is `path` a pcap or pcapng file? Link types and the rest are checked by the lane. */
export function laneApplies(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false; // the JS path reports it, with its message
  }
  try {
    return readHeader(fd) !== undefined;
  } finally {
    closeSync(fd);
  }
}

let module: WebAssembly.Module | null | undefined;

/**
 * The built module: beside this file in dist/, or in dist/ when this runs from src/ (the tests). None
 * (a build without `npm run build:wasm`) leaves every listing to the JS pipeline.
 */
function instantiate(): LaneExports | undefined {
  if (module === undefined) {
    const places = [new URL('./tsv-lane.wasm', import.meta.url), new URL('../../../dist/capture/lane/tsv-lane.wasm', import.meta.url)];
    const path = places.find((p) => existsSync(p));
    module = path ? new WebAssembly.Module(readFileSync(path)) : null;
  }
  return module ? (new WebAssembly.Instance(module, { env: { abort: laneAbort } }).exports as unknown as LaneExports) : undefined;
}

function laneAbort(): never {
  throw new Error('tsv lane aborted');
}

/** Prints the tsv lines of the pcap at `path` to `out` until done or until it bails (see LaneOutcome). */
export async function runTsvLane(path: string, out: Writable): Promise<LaneOutcome> {
  const fd = openSync(path, 'r');
  try {
    const header = readHeader(fd);
    if (!header) return { done: false, emitted: 0, reason: 'not a pcap or pcapng file' };
    const lane = instantiate();
    if (!lane) return { done: false, emitted: 0, reason: 'tsv-lane.wasm not built' };
    if (!lane.init(header.le ? 1 : 0, header.ns ? 1 : 0, header.link, CAPACITY)) return { done: false, emitted: 0, reason: `link type ${header.link}` };
    const input = lane.inputPtr();
    let have = 0; // bytes of the input region not yet consumed (a record cut at the last read's end)
    let consumed = header.skip; // file offset of the input region's first byte
    for (;;) {
      const view = new Uint8Array(lane.memory.buffer, input, CAPACITY);
      const n = readSync(fd, view, have, Math.min(READ, CAPACITY - have), consumed + have);
      if (n === 0) break;
      have += n;
      const used = step(lane, () => lane.feed(have));
      if (lane.bailReason() !== 0 || used < 0) return await bailed(lane, out);
      if (used > 0 && used < have) lane.compact(used, have);
      have -= used;
      consumed += used;
      if (lane.outputLength() >= FLUSH_AT) await drainTo(lane, out);
    }
    step(lane, () => (lane.finish(), 0));
    if (lane.bailReason() !== 0) return await bailed(lane, out);
    await drainTo(lane, out);
    const outcome: LaneOutcome = { done: true, emitted: lane.emittedCount() };
    if (have > 0) outcome.warning = `${path}: capture cut mid-record at byte ${consumed} (${have} bytes of an incomplete record); kept every packet before it`;
    return outcome;
  } finally {
    closeSync(fd);
  }
}

/** Runs a lane call; a trap (a lane bug, or out of memory) counts as a bail: what it printed stands. */
function step(lane: LaneExports, call: () => number): number {
  try {
    return call();
  } catch {
    trapped.add(lane);
    return -1;
  }
}

const trapped = new WeakSet<LaneExports>();

async function bailed(lane: LaneExports, out: Writable): Promise<LaneOutcome> {
  await drainTo(lane, out);
  const code = lane.bailReason();
  const reason = trapped.has(lane) && code === 0 ? 'trap' : (BAIL_REASONS[code] ?? `code ${code}`);
  return { done: false, emitted: lane.emittedCount(), reason };
}

async function drainTo(lane: LaneExports, out: Writable): Promise<void> {
  const len = lane.outputLength();
  if (len === 0) return;
  const bytes = Buffer.from(new Uint8Array(lane.memory.buffer, lane.output(), len));
  lane.clearOutput();
  if (!out.write(bytes)) await once(out, 'drain');
}
