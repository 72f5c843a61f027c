import { Buffer } from 'node:buffer';
import { InputError } from '../errors.js';

/** GoReplay's record separator: the payload, then this line. */
export const GOR_SEPARATOR = Buffer.from('\n🐵🙈🙉\n', 'utf8');

export interface GorRecord {
  type: 1 | 2 | 3;
  id: string;
  tsNs: bigint;
  latencyNs: bigint | undefined;
  payload: Buffer;
  /** 1-based index of the record in the file and the line its header is on, for messages. */
  index: number;
  line: number;
}

function countLf(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** Drops the last `k` bytes of a list of buffers (the part of a separator already seen). */
function dropTail(parts: Buffer[], k: number): void {
  while (k > 0 && parts.length) {
    const last = parts[parts.length - 1]!;
    if (last.length <= k) {
      parts.pop();
      k -= last.length;
    } else {
      parts[parts.length - 1] = last.subarray(0, last.length - k);
      k = 0;
    }
  }
}

function tail(parts: Buffer[], k: number): Buffer {
  const out: Buffer[] = [];
  for (let i = parts.length - 1; i >= 0 && k > 0; i--) {
    const p = parts[i]!;
    out.unshift(p.length <= k ? p : p.subarray(p.length - k));
    k -= Math.min(k, p.length);
  }
  return Buffer.concat(out);
}

/**
 * Splits a byte stream into the payloads between separators, holding one record plus one chunk;
 * a separator split across chunks is found by re-reading the last few bytes with the next chunk.
 */
export async function* splitRecords(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const k = Math.min(size, GOR_SEPARATOR.length - 1);
    let probe = k ? Buffer.concat([tail(parts, k), chunk]) : chunk;
    if (k) {
      dropTail(parts, k);
      size -= k;
    }
    let at = probe.indexOf(GOR_SEPARATOR);
    while (at >= 0) {
      parts.push(probe.subarray(0, at));
      yield parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      parts = [];
      size = 0;
      probe = probe.subarray(at + GOR_SEPARATOR.length);
      at = probe.indexOf(GOR_SEPARATOR);
    }
    if (probe.length) {
      parts.push(probe);
      size += probe.length;
    }
  }
  const rest = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  if (rest.toString('latin1').trim() !== '') yield rest;
}

const META = /^([123]) (\S+) (\d{1,22})(?: (-?\d{1,22}))?\r?$/;

/** Parses each record's header line ("<type> <id> <ts-ns> [<latency-ns>]"); names file and line when malformed. */
export async function* readGorRecords(path: string, stream: AsyncIterable<Buffer>): AsyncGenerator<GorRecord> {
  let index = 0;
  let line = 1;
  for await (const raw of splitRecords(stream)) {
    index++;
    // Tools differ on blank lines between records; leading newlines are not part of a header.
    let start = 0;
    while (raw[start] === 10) start++;
    const rec = raw.subarray(start);
    const recLine = line + start;
    line += countLf(raw) + 2; // the separator holds two line feeds
    const nl = rec.indexOf(10);
    const header = rec.toString('utf8', 0, nl < 0 ? rec.length : nl);
    const m = META.exec(header);
    if (!m) throw new InputError(`${path}: record ${index} (line ${recLine}): expected "<type 1|2|3> <id> <timestamp-ns> <latency-ns>", got ${JSON.stringify(header.slice(0, 80))}`);
    const latency = m[4] === undefined ? undefined : BigInt(m[4]);
    yield {
      type: Number(m[1]) as 1 | 2 | 3,
      id: m[2]!,
      tsNs: BigInt(m[3]!),
      latencyNs: latency !== undefined && latency >= 0n ? latency : undefined,
      payload: nl < 0 ? Buffer.alloc(0) : rec.subarray(nl + 1),
      index,
      line: recLine,
    };
  }
}
