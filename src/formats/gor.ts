import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import { basename } from 'node:path';
import type { Exchange, InterimResponse } from '../exchange.js';
import { InputError } from '../errors.js';
import type { ReadOptions } from './capture-file.js';
import { openMaybeGzip } from './lines.js';
import { GOR_SEPARATOR, readGorRecords, type GorRecord } from './gor-records.js';
import { MessageParser, type ParsedMessage } from '../http1/parser.js';
import { toRequestPart, toResponsePart } from '../http1/to-exchange.js';
import { serializeRequest, serializeResponse } from '../http1/serialize.js';
import { privateWriteStream, writtenSoFar } from './private-file.js';

/**
 * GoReplay `.gor` files: records "<type> <id> <ts-ns> <latency-ns>\n<raw HTTP>\n🐵🙈🙉\n", type 1 a
 * request, 2 its response, 3 a replayed response (skipped: it is not what production answered).
 *
 * Timing mapping (µs ↔ ns, exact): request ts = request first byte, request latency = request
 * last byte − first byte; response ts = response first byte, response latency = response last
 * byte − request first byte (GoReplay's "round trip"). A GoReplay file whose response latency is
 * shorter than that reads back with response end = response start.
 */

/** Requests waiting for their response: bounded so a file of unanswered requests stays streamable. */
const MAX_WAITING = 10_000;
const MAX_WAITING_BYTES = 64 * 1024 * 1024;
const MAX_BODY = 64 * 1024 * 1024;

interface Waiting {
  ex: Exchange;
  bytes: number;
}

function parsePayload(path: string, rec: GorRecord, method?: string): ParsedMessage[] {
  const out: ParsedMessage[] = [];
  const parser = new MessageParser(rec.type === 1 ? 'request' : 'response', { maxBodyBytes: MAX_BODY, maxHeadBytes: rec.payload.length + 1, unframedRequestBody: 'to-end' }, { onMessage: (m) => out.push(m), methodFor: () => method });
  const us = Number(rec.tsNs / 1000n);
  parser.push(rec.payload, us);
  parser.finish(true, us);
  if (out.length === 0 || parser.counts.nonHttp > 0) {
    throw new InputError(`${path}: record ${rec.index} (line ${rec.line}): payload is not an HTTP/1.x ${rec.type === 1 ? 'request' : 'response'}`);
  }
  return out;
}

/** `stats.invalid` counts the records skipped under `skipInvalid`. */
export async function* readGorFile(path: string, opts: ReadOptions & { stats?: { invalid: number } } = {}): AsyncGenerator<Exchange> {
  const stream = await openMaybeGzip(path);
  const capture = path === '-' ? 'stdin' : basename(path);
  // Requests in file order, and the latest request per id (an id reused later must not lose the first).
  const waiting = new Set<Waiting>();
  const byId = new Map<string, Waiting>();
  const early = new Map<string, GorRecord>(); // responses seen before their request
  let waitingBytes = 0;
  let replayed = 0;
  let unpaired = 0;

  function* drain(force: boolean): Generator<Exchange> {
    for (const w of waiting) {
      const overflow = waiting.size > MAX_WAITING || waitingBytes > MAX_WAITING_BYTES;
      if (!w.ex.response && !force && !overflow) return;
      waiting.delete(w);
      if (byId.get(w.ex.id) === w) byId.delete(w.ex.id);
      waitingBytes -= w.bytes;
      if (!w.ex.response) w.ex.flags = [...(w.ex.flags ?? []), 'no-response'];
      yield w.ex;
    }
  }

  const attach = (w: Waiting, rec: GorRecord): void => {
    const msgs = parsePayload(path, rec, w.ex.request.method);
    const interim: InterimResponse[] = [];
    for (const m of msgs) {
      const status = m.status ?? 0;
      if (status >= 100 && status < 200 && status !== 101) interim.push({ status, reason: m.reason ?? '', headers: m.headers, atUs: m.firstUs });
      else if (!w.ex.response) {
        w.ex.response = toResponsePart(m, interim);
        const flags = new Set(w.ex.flags);
        if (m.truncated) flags.add('response-truncated');
        if (m.tunnel) flags.add('tunnel');
        if (flags.size) w.ex.flags = [...flags];
      }
    }
    const t = w.ex.timing;
    t.responseStartUs = Number(rec.tsNs / 1000n);
    const end = rec.latencyNs === undefined ? undefined : t.requestStartUs + Number(rec.latencyNs / 1000n);
    t.responseEndUs = end !== undefined && end >= t.responseStartUs ? end : t.responseStartUs;
  };

  const request = (rec: GorRecord): void => {
    const [m] = parsePayload(path, rec);
    const start = Number(rec.tsNs / 1000n);
    const ex: Exchange = {
      id: rec.id,
      timing: { requestStartUs: start, requestEndUs: start + Number((rec.latencyNs ?? 0n) / 1000n) },
      request: toRequestPart(m!),
      source: { kind: 'gor', capture },
    };
    if (m!.truncated) ex.flags = ['request-truncated'];
    if (m!.malformed) ex.flags = [...(ex.flags ?? []), 'malformed']; // a request line that is not HTTP/1.x
    const w: Waiting = { ex, bytes: rec.payload.length };
    waiting.add(w);
    byId.set(rec.id, w);
    waitingBytes += w.bytes;
    const res = early.get(rec.id);
    if (res) {
      early.delete(rec.id);
      attach(w, res);
    }
  };

  try {
    for await (const rec of readGorRecords(path, stream)) {
      try {
        if (rec.type === 3) replayed++;
        else if (rec.type === 1) request(rec);
        else {
          const w = byId.get(rec.id);
          if (w && !w.ex.response) attach(w, rec);
          else if (early.size < MAX_WAITING) early.set(rec.id, rec);
          else unpaired++;
        }
      } catch (err) {
        if (!(err instanceof InputError) || !opts.skipInvalid) throw err;
        if (opts.stats) opts.stats.invalid++;
        opts.onWarning?.(err.message);
      }
      yield* drain(false);
    }
  } catch (err) {
    if (!(err instanceof InputError) || !opts.skipInvalid) throw err;
    if (opts.stats) opts.stats.invalid++;
    opts.onWarning?.(`${err.message}; stopped reading here`);
  }
  yield* drain(true);
  unpaired += early.size;
  if (unpaired) opts.onWarning?.(`${path}: ${unpaired} response record(s) had no request record; skipped`);
  if (replayed) opts.onWarning?.(`${path}: ${replayed} replayed-response record(s) (type 3) skipped`);
}

function meta(type: 1 | 2, id: string, tsUs: number, latencyUs: number): Buffer {
  return Buffer.from(`${type} ${id} ${BigInt(Math.round(tsUs)) * 1000n} ${BigInt(Math.max(0, Math.round(latencyUs))) * 1000n}\n`);
}

/** GoReplay ids are one token; an id with whitespace is hex-encoded so it stays one. */
function gorId(id: string): string {
  return /^\S+$/.test(id) ? id : Buffer.from(id).toString('hex');
}

/** Writes GoReplay records (mode 0600), honouring back-pressure; the exchanges come redacted (io/pump.ts applies the stage). */
export class GorWriter {
  count = 0;
  private constructor(private readonly out: ReturnType<typeof privateWriteStream>) {}

  static open(path: string): GorWriter {
    return new GorWriter(privateWriteStream(path));
  }

  async write(ex: Exchange): Promise<void> {
    const t = ex.timing;
    const id = gorId(ex.id);
    await this.put(Buffer.concat([meta(1, id, t.requestStartUs, t.requestEndUs - t.requestStartUs), serializeRequest(ex.request), GOR_SEPARATOR]));
    if (ex.response) {
      const start = t.responseStartUs ?? t.requestEndUs;
      const end = t.responseEndUs ?? start;
      await this.put(Buffer.concat([meta(2, id, start, end - t.requestStartUs), serializeResponse(ex.response), GOR_SEPARATOR]));
    }
    this.count++;
  }

  private async put(b: Buffer): Promise<void> {
    if (!this.out.write(b)) await once(this.out, 'drain');
  }

  /**
   * Everything written so far is handed to the OS (what survives this process being killed): a reader
   * that acknowledges its source (a stream group) waits for this first, as for a capture file.
   */
  sync(): Promise<void> {
    return writtenSoFar(this.out);
  }

  async close(): Promise<void> {
    const closed = once(this.out, 'close');
    this.out.end();
    await closed;
  }
}

export async function writeGorFile(path: string, exchanges: AsyncIterable<Exchange>): Promise<number> {
  const w = GorWriter.open(path);
  try {
    for await (const ex of exchanges) await w.write(ex);
  } finally {
    await w.close();
  }
  return w.count;
}
