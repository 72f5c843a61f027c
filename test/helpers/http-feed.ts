import type { Exchange } from '../../src/exchange.js';
import { createHttpSink, type HttpStats } from '../../src/capture/http/index.js';
import { newCaptureStats, type Direction, type EndReason, type TcpStreamSink } from '../../src/capture/tcp/stream-sink.js';

/** One event on a flow, in capture order. */
export type FlowEvent =
  | { dir: Direction; data: string | Buffer; ts?: number; /** What the packet acknowledged of the other direction (offset); -1 when not given. */ ack?: number }
  | { dir: Direction; gap: number; ts?: number }
  | { halfClose: Direction; ts?: number };

export interface FlowResult {
  exchanges: Exchange[];
  stats: HttpStats;
}

export const conn = { clientIp: '127.0.0.1', clientPort: 50000, serverIp: '127.0.0.1', serverPort: 8080 };

// Bytes around every range fed: line ends, a status line and a request line, so a parser reading past
// the end of its range (data gives offsets into a packet, not a view) would misparse and fail the test.
const BEFORE = Buffer.from('GET /before HTTP/1.1\r\n\r\nHTTP/1.1 200 OK\r\n\r\n', 'latin1');
const AFTER = Buffer.from('\r\n\r\nHTTP/1.1 500 After\r\n\r\nGET /after HTTP/1.1\r\n\r\n', 'latin1');

/** Feeds `bytes` as a range in the middle of a larger buffer, as a packet's payload is fed. */
function fedWithin(sink: TcpStreamSink, dir: Direction, bytes: Buffer, ts: number, ack: number): void {
  const buf = Buffer.concat([BEFORE, bytes, AFTER]);
  sink.data(dir, buf, BEFORE.length, BEFORE.length + bytes.length, ts, ack);
}

/** Drives one HTTP sink through `events`, then ends the flow with `reason`. */
export function runFlow(events: FlowEvent[], reason: EndReason = 'fin', maxBodyBytes = 1 << 20, summary = false): FlowResult {
  const stats: HttpStats = newCaptureStats();
  const exchanges: Exchange[] = [];
  const sink = createHttpSink({ id: 'f1', connection: conn }, { maxBodyBytes, stats, summary }, (ex) => exchanges.push(ex));
  let last = 0;
  for (const e of events) {
    last = e.ts ?? last + 1;
    if ('halfClose' in e) sink.halfClose?.(e.halfClose, last);
    else if ('gap' in e) sink.gap(e.dir, e.gap, last);
    else fedWithin(sink, e.dir, typeof e.data === 'string' ? Buffer.from(e.data, 'latin1') : e.data, last, e.ack ?? -1);
  }
  sink.end(reason, last + 1);
  return { exchanges, stats };
}

/** Splits `bytes` at the given cut positions into data events of one direction. */
export function sliced(dir: Direction, bytes: string | Buffer, cuts: number[]): FlowEvent[] {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  const points = [...new Set(cuts.filter((c) => c > 0 && c < b.length))].sort((x, y) => x - y);
  const out: FlowEvent[] = [];
  let from = 0;
  for (const p of [...points, b.length]) {
    out.push({ dir, data: Buffer.from(b.subarray(from, p)) });
    from = p;
  }
  return out;
}

/** The parts of an exchange a test compares, independent of timing and ids. */
export function shape(ex: Exchange): unknown {
  return {
    method: ex.request.method,
    target: ex.request.target,
    reqHeaders: ex.request.headers,
    reqBody: ex.request.body,
    reqTrailers: ex.request.trailers,
    status: ex.response?.status,
    resHeaders: ex.response?.headers,
    resBody: ex.response?.body,
    resTrailers: ex.response?.trailers,
    interim: ex.response?.interim?.map((i) => i.status),
    flags: ex.flags,
  };
}
