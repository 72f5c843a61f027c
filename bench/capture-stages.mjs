// Where `capture --read X.pcap --out X.jsonl` spends its CPU, stage by stage (issue 15, bench item 3).
// Each round runs the capture path in fresh processes, cut after a growing number of stages (read → +decode
// and reassembly → +HTTP parsing and pairing → +redaction → +capture-line serialisation → +the file writer),
// plus the CLI itself on the same file and on an empty one (start-up). A stage's cost is the difference
// between its cut and the one before, in CPU (user + sys, every thread: JIT compilation and GC included)
// per exchange; medians of STAGES_BENCH_RUNS (≥ 3) rounds, the cuts of a round interleaved so load on a
// shared machine falls on all of them alike.
// Usage: npm run build && node bench/capture-stages.mjs: on the plain and the varied capture bench/capture.mjs
// recorded last, or CAPTURE_BENCH_PCAP / CAPTURE_BENCH_VARIED_PCAP=file.pcap:port (bench/_pcaps.mjs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPcaps } from './_pcaps.mjs';

const PCAPS = benchPcaps();
if (!PCAPS.length) {
  console.log('capture-stages: skipped (no capture: run bench/capture.mjs first, or set CAPTURE_BENCH_PCAP=file.pcap:port)');
  process.exit(0);
}
const RUNS = Math.max(3, Number(process.env.STAGES_BENCH_RUNS ?? 3));
const dist = new URL('../dist/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'shadowtap-stages-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const CUTS = ['read', 'reassemble', 'http', 'redact', 'serialize', 'write'];

// One cut of the capture path, run in its own process: the same modules the CLI runs, composed as
// io/inputs/pcap.ts, io/pump.ts and formats/capture-file.ts compose them, stopped after `cut`.
const child = `
const [dist, cut, file, port, out] = process.argv.slice(1);
const m = async (p) => import(dist + p);
const { fileChunks, READ_CHUNK } = await m('capture/pcap/file-chunks.js');
const { readPackets } = await m('capture/pcap/reader.js');
const { CapturePipeline } = await m('capture/pipeline.js');
const { createHttpSink } = await m('capture/http/index.js');
const { newCaptureStats } = await m('capture/tcp/stream-sink.js');
const { redactionStage } = await m('stages/redaction.js');
const { writeHarEntry } = await m('formats/har-line.js');
const { LineBytes } = await m('formats/line-bytes.js');
const { CaptureWriter } = await m('formats/capture-file.js');
const t0 = process.cpuUsage();
const stats = newCaptureStats();
const IGNORED = { data() {}, gap() {}, end() {} };
const http = { maxBodyBytes: 1 << 20, stats, summary: false, source: { capture: file, kind: 'pcap', host: 'bench' } };
// Batches made where the CLI makes them (capture/batch.ts): a second array literal deoptimizes the emit.
const { newBatch } = await m('capture/batch.js');
let batch = newBatch();
let exchanges = 0;
let packets = 0;
const pipeline = new CapturePipeline({ stats, ports: [Number(port)], sinkFactory: (flow) => (cut === 'reassemble' ? IGNORED : createHttpSink(flow, http, (ex) => batch.push(ex))) });
const redact = redactionStage({ enabled: true });
const lines = new LineBytes();
const writer = cut === 'write' ? CaptureWriter.open(out, { redaction: { enabled: true } }) : undefined;
async function deliver() {
  let b = batch;
  batch = newBatch();
  exchanges += b.length;
  if (!b.length || cut === 'http') return;
  b = redact.apply(b);
  if (cut === 'redact') return;
  if (writer) {
    // As io/outputs/writer-sink.ts hands a batch to the writer.
    if (writer.writeBatch) await writer.writeBatch(b);
    else for (const ex of b) await writer.write(ex);
    return;
  }
  for (const ex of b) {
    writeHarEntry(ex, lines);
    lines.endLine();
  }
  lines.take();
  // Nothing is written here, so the buffers are free again at once (the writer reuses them once written).
  lines.reuse?.(lines.retired?.() ?? []);
}
const onPacket = cut === 'read' ? () => void packets++ : pipeline.onPacket;
for await (const _ of readPackets(fileChunks(file, READ_CHUNK), file, onPacket, {})) await deliver();
if (cut !== 'read') pipeline.finish();
await deliver();
await writer?.close();
const u = process.cpuUsage(t0);
process.stdout.write(JSON.stringify({ cpu: (u.user + u.system) / 1e6, exchanges }));
`;

function cpuOf(args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr.slice(-600)}`);
  const [user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { total: user + sys, stdout: r.stdout };
}

/** One capture's split: rounds of the CLI, its start-up on an empty pcap, and every cut, interleaved. */
function split(file, port, empty) {
  const cli = (pcap) => [join(dist, 'cli/main.js'), 'capture', '--read', pcap, '--port', String(port), '--out', join(dir, 'out.jsonl')];
  const results = { startup: [], cli: [], ...Object.fromEntries(CUTS.map((c) => [c, []])) };
  let exchanges = 0;
  for (let round = 0; round < RUNS; round++) {
    results.startup.push(cpuOf(cli(empty)).total);
    results.cli.push(cpuOf(cli(file)).total);
    for (const cut of CUTS) {
      // The cut's own count of CPU (after its imports): process start-up is measured once, above.
      const r = cpuOf(['--input-type=module', '-e', child, dist, cut, file, String(port), join(dir, 'cut.jsonl')]);
      const o = JSON.parse(r.stdout);
      results[cut].push(o.cpu);
      exchanges = Math.max(exchanges, o.exchanges);
    }
  }
  const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
  const us = (s) => `${((s / exchanges) * 1e6).toFixed(2).padStart(6)} µs/exchange`;
  console.log(`${file}: ${exchanges} exchanges; medians of ${RUNS} rounds, CPU (user + sys, all threads)`);
  console.log(`${'CLI capture → .jsonl'.padEnd(34)} ${m.cli.toFixed(3)} s  ${us(m.cli)}`);
  console.log(`${'  start-up (an empty pcap)'.padEnd(34)} ${m.startup.toFixed(3)} s  ${us(m.startup)}`);
  let before = 0;
  for (const cut of CUTS) {
    console.log(`${`  + ${cut}`.padEnd(34)} ${(m[cut] - before).toFixed(3)} s  ${us(m[cut] - before)}`);
    before = m[cut];
  }
  const rest = m.cli - m.startup - m.write;
  console.log(`${'  rest (CLI, pump, stages, exit)'.padEnd(34)} ${rest.toFixed(3)} s  ${us(rest)}`);
}

try {
  const empty = join(dir, 'empty.pcap');
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  writeFileSync(empty, header);
  for (const { name, file, port } of PCAPS) {
    console.log(`\n${name} capture`);
    split(file, port, empty);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
