// The reader thread (see reader-thread.ts): file → pcap records → decode → TCP reassembly, every
// TcpStreamSink call written to the ring for the main thread, which parses HTTP and prints.
import { workerData } from 'node:worker_threads';
import { CapturePipeline } from '../pipeline.js';
import { fileChunks } from '../pcap/file-chunks.js';
import { readPackets, type ReaderState } from '../pcap/reader.js';
import { newCaptureStats, type Direction, type EndReason, type FlowInfo, type TcpStreamSink } from '../tcp/stream-sink.js';
import { Cancelled, Rec, RingWriter } from './ring.js';
import { END_REASONS, type ReaderJob } from './protocol.js';

const job = workerData as ReaderJob;
const ring = new RingWriter(job.data, job.control);
const stats = newCaptureStats();
const state: ReaderState = { bytesRead: 0 };

/** Flow slots: small integers the main thread indexes an array with, reused once a flow has ended. */
const free: number[] = [];
let slots = 0;

const dirOf = (dir: Direction): number => (dir === 'request' ? 0 : 1);

class RecordingSink implements TcpStreamSink {
  constructor(private readonly slot: number) {}

  data(dir: Direction, buf: Buffer, start: number, end: number, tsUs: number, ack: number): void {
    const max = ring.maxRecord - 32;
    // Longer than a record may be: the same bytes in pieces, with the same timestamp and acknowledgement (TCP splits bytes anywhere).
    for (let at = start; at < end; at += max) ring.bytes(Rec.Data, dirOf(dir), this.slot, buf.subarray(at, Math.min(at + max, end)), tsUs, ack);
  }

  gap(dir: Direction, missing: number, tsUs: number): void {
    ring.reserve(Rec.Gap, dirOf(dir), this.slot, 0, tsUs, missing);
  }

  halfClose(dir: Direction, tsUs: number): void {
    ring.reserve(Rec.HalfClose, dirOf(dir), this.slot, 0, tsUs, 0);
  }

  end(reason: EndReason, tsUs: number): void {
    ring.reserve(Rec.End, END_REASONS.indexOf(reason), this.slot, 0, tsUs, 0);
    free.push(this.slot);
  }
}

function open(flow: FlowInfo): TcpStreamSink {
  const slot = free.pop() ?? slots++;
  const c = flow.connection;
  ring.text(Rec.Open, 0, slot, `${flow.id}\n${c.clientIp}\n${c.serverIp}`, c.clientPort, c.serverPort);
  return new RecordingSink(slot);
}

const warn = (message: string): void => ring.text(Rec.Warning, 0, 0, message);

try {
  const pipeline = new CapturePipeline({
    stats,
    ...(job.ports ? { ports: job.ports } : {}),
    ...(job.limits ? { limits: job.limits } : {}),
    sinkFactory: open,
    onWarning: (m) => warn(`${job.name}: ${m}`),
  });
  for await (const _ of readPackets(fileChunks(job.path, job.chunkBytes), job.name, pipeline.onPacket, { onWarning: warn, state })) {
    ring.text(Rec.Batch, 0, 0, JSON.stringify(stats));
    ring.publish();
    if (ring.cancelled) throw new Cancelled('reading cancelled');
  }
  pipeline.finish();
  ring.text(Rec.Done, 0, 0, JSON.stringify({ stats, reader: state }));
  ring.publish();
} catch (err) {
  if (!(err instanceof Cancelled)) {
    const e: NodeJS.ErrnoException = err instanceof Error ? err : new Error(String(err));
    try {
      ring.text(Rec.Error, 0, 0, JSON.stringify({ name: e.name, message: e.message, code: e.code }));
      ring.publish();
    } catch (again) {
      if (!(again instanceof Cancelled)) throw again;
    }
  }
}
