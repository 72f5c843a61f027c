/**
 * Capture file reader, written by hand. `pcap-parser` (named by the product card) is not used: it reads
 * only classic microsecond pcap (no pcapng, no nanosecond files), does no link-layer decoding, ignores
 * backpressure (it emits every packet as fast as the file reads) and has been unmaintained since 2013.
 *
 * Design: records are parsed synchronously out of each chunk the Readable yields, and handed to a callback
 * as one reused RawPacket (no per-packet allocation); the async generator yields once per chunk, so a slow
 * consumer stops the reads (backpressure) and memory stays at a chunk or two plus one partial record.
 */
import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { InputError } from '../../errors.js';
import { maybeGunzip } from './gunzip.js';
import { ClassicPcapParser } from './classic.js';
import { PCAPNG_SHB } from './magic.js';
import { PcapngParser } from './pcapng.js';
import { DamagedCaptureError, newRawPacket, type PacketHandler, type RecordParser } from './packet.js';

export interface ReaderState {
  format?: 'pcap' | 'pcapng';
  /** Link type of a classic pcap file (pcapng carries one per interface). */
  linkType?: number;
  bytesRead: number;
  /** Why reading stopped before the end of the input, when it did (cut mid-record, damaged). */
  stoppedEarly?: string;
}

export interface ReadPacketsOptions {
  onWarning?: ((message: string) => void) | undefined;
  state?: ReaderState;
}

/**
 * Streams the packets of a pcap or pcapng file through `onPacket`, yielding after each chunk.
 * Not a capture → InputError naming the input and its first bytes. Cut mid-record or damaged → a warning,
 * everything before is kept, and the generator ends normally.
 */
export async function* readPackets(input: Readable | Iterable<Buffer>, name: string, onPacket: PacketHandler, opts: ReadPacketsOptions = {}): AsyncGenerator<void> {
  const state = opts.state ?? { bytesRead: 0 };
  const pkt = newRawPacket();
  let parser: RecordParser | undefined;
  let rest: Buffer | undefined;
  let consumed = 0; // file offset of rest[0]
  let stitch: Buffer | undefined; // reused for every stitch: the packets parsed from it are read during the parse only
  try {
    const damaged = ({ message: m }: { message: string }): void => {
      state.stoppedEarly = m;
      opts.onWarning?.(`${name}: ${m}; kept what came before it`);
    };
    for await (const chunk of maybeGunzip(input as AsyncIterable<Buffer> | Iterable<Buffer>, damaged)) {
      state.bytesRead += chunk.length;
      let buf = chunk;
      let off = 0;
      if (!parser) {
        buf = rest ? Buffer.concat([rest, chunk]) : chunk;
        if (buf.length < 24) {
          rest = buf;
          continue;
        }
        parser = detect(buf, name, pkt, onPacket);
        state.format = parser.format;
        if (parser instanceof ClassicPcapParser) {
          state.linkType = parser.linkType;
          off = ClassicPcapParser.headerBytes;
        }
      } else if (rest) {
        // The record cut at the previous chunk's end: completed from the head of this chunk, not by
        // copying the whole chunk after it (that copy was ~10% of reading). `rest` starts that record,
        // so a parse that does not get past `rest` delivered nothing: then the record is longer, and the
        // whole chunk is joined.
        const head = chunk.length > STITCH ? (stitch = stitched(stitch, rest, chunk)).subarray(0, rest.length + STITCH) : undefined;
        const done = head ? parseOrStop(parser, head, 0, consumed, name, state, opts) : 0;
        if (done === undefined) return;
        if (done >= rest.length) off = done - rest.length;
        else buf = Buffer.concat([rest, chunk]);
        if (buf === chunk) consumed += rest.length;
      }
      const end = parseOrStop(parser, buf, off, consumed, name, state, opts);
      if (end === undefined) return;
      off = end;
      consumed += off;
      rest = off < buf.length ? buf.subarray(off) : undefined;
      // A small tail would pin the whole chunk it is a view of; copy it out.
      if (rest && rest.length < 65536 && buf.length > 4 * rest.length) rest = Buffer.from(rest);
      yield;
    }
  } finally {
    // An iterable is closed by for-await itself when the loop ends early.
    if (input instanceof Readable && !input.destroyed && input !== process.stdin) input.destroy();
  }
  if (!parser) {
    const head = rest ?? Buffer.alloc(0);
    if (head.length === 0) throw new InputError(`${name}: empty input${state.stoppedEarly ? ` (${state.stoppedEarly})` : ''}, not a pcap or pcapng capture`);
    detect(head.length >= 24 ? head : Buffer.concat([head, Buffer.alloc(24 - head.length)]), name, pkt, onPacket, head.length);
    throw new InputError(`${name}: not a capture: cut inside the file header (${head.length} bytes; a pcap header is 24)`);
  }
  if (parser.format === 'pcapng' && consumed === 0) {
    // Not even the first section header is whole: nothing says this is a capture but its magic.
    throw new InputError(`${name}: not a capture: cut inside the pcapng section header (${rest?.length ?? 0} bytes)`);
  }
  if (rest && rest.length > 0) {
    state.stoppedEarly = `cut mid-record at byte ${consumed} (${rest.length} bytes of an incomplete record)`;
    opts.onWarning?.(`${name}: capture ${state.stoppedEarly}; kept every packet before it`);
  }
}

/** Bytes of the next chunk joined to a record cut at a chunk's end, at first (most records are smaller). */
const STITCH = 4096;

/**
 * `rest` then the first STITCH bytes of `chunk`, in `into` when it is large enough (else in a new buffer,
 * returned): a fresh buffer per chunk of this size showed in profiles as an allocation each time.
 */
function stitched(into: Buffer | undefined, rest: Buffer, chunk: Buffer): Buffer {
  const need = rest.length + STITCH;
  const buf = into && into.length >= need ? into : Buffer.allocUnsafeSlow(Math.max(need, 2 * STITCH));
  rest.copy(buf, 0);
  chunk.copy(buf, rest.length, 0, STITCH);
  return buf;
}

/** parser.parse, or undefined when the capture is damaged there (warned, state.stoppedEarly set). */
function parseOrStop(parser: RecordParser, buf: Buffer, off: number, consumed: number, name: string, state: ReaderState, opts: ReadPacketsOptions): number | undefined {
  try {
    return parser.parse(buf, off, buf.length);
  } catch (err) {
    if (!(err instanceof DamagedCaptureError)) throw err;
    state.stoppedEarly = `damaged at byte ${consumed + err.offset} (${err.message})`;
    opts.onWarning?.(`${name}: capture ${state.stoppedEarly}; kept the packets before it and stopped reading`);
    return undefined;
  }
}

function detect(buf: Buffer, name: string, pkt: ReturnType<typeof newRawPacket>, onPacket: PacketHandler, real = buf.length): RecordParser {
  const classic = ClassicPcapParser.fromHeader(buf, pkt, onPacket);
  if (classic) return classic;
  if (buf.readUInt32LE(0) === PCAPNG_SHB) return new PcapngParser(pkt, onPacket);
  throw new InputError(`${name}: not a pcap or pcapng capture (${describeMagic(buf.subarray(0, Math.min(real, 8)))})`);
}

function describeMagic(head: Buffer): string {
  const hex = head.subarray(0, 4).toString('hex');
  if (head.length < 4) return `magic 0x${hex}, only ${head.length} bytes`;
  const what =
    head.readUInt32BE(0) === 0xa1b2cd34 || head.readUInt32LE(0) === 0xa1b2cd34
      ? 'modified (Kuznetzov) pcap, not supported: convert it with editcap -F pcap'
      : [...head.subarray(0, 4)].every((c) => (c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13)
        ? `text starting "${head.toString('latin1').replace(/[^\x20-\x7e]/g, '?')}"`
        : 'unknown magic';
  return `magic 0x${hex}, ${what}; expected a1b2c3d4 or a1b23c4d (pcap, either byte order) or 0a0d0d0a (pcapng)`;
}
