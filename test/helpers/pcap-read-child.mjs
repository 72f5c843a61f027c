// Reads a capture with the built library (dist), one thread or with a reader thread, in its own process
// (a worker thread runs built JavaScript), and prints what came out as one JSON document:
//   node pcap-read-child.mjs FILE one|thread [RING_BYTES] [STOP_AFTER_BATCHES]
import { join } from 'node:path';

const [file, mode, ring, stopAfter] = process.argv.slice(2);
const dist = join(process.cwd(), 'dist');
const { exchangeBatchesFromPcapFile } = await import(join(dist, 'capture/input-file.js'));
const { startReaderThread } = await import(join(dist, 'capture/thread/reader-thread.js'));
const { newCaptureStats } = await import(join(dist, 'capture/tcp/stream-sink.js'));

const stats = newCaptureStats();
const reader = { bytesRead: 0 };
const warnings = [];
const thread = mode === 'thread' ? startReaderThread(file, ring ? { ringBytes: Number(ring) } : {}) : undefined;
const exchanges = [];
const batchSizes = [];
try {
  for await (const batch of exchangeBatchesFromPcapFile(file, { stats, reader, thread, onWarning: (m) => warnings.push(m) })) {
    exchanges.push(...batch);
    batchSizes.push(batch.length);
    if (stopAfter && batchSizes.length >= Number(stopAfter)) break;
  }
  process.stdout.write(JSON.stringify({ exchanges, stats, reader, warnings, batchSizes }));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: { name: err.name, message: err.message, code: err.code }, warnings }));
}
