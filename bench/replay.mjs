// Replay engine bench (issue 3, item 6). Three measurements, each against a peer or a target set
// in the same run:
//  timing     a capture with a known Poisson schedule (2,000 req/s × 10 s), as .jsonl and as .har,
//             replayed at 1× with tcpdump on lo: |lag| of each request's first packet (kernel
//             timestamp, read by tshark) against its intended time, start-up included, beside the
//             lag the engine reported (goal: p99 ≤ 2 ms at the wire);
//  throughput bench/replay-throughput.mjs (http:// and https:// vs autocannon);
//  memory     peak RSS replaying a ≥ 1 GB capture (goal ≤ 200 MB); the file is deleted after;
//  read       µs per capture line: the whole read (JSON.parse + check + Exchange; one by one and in
//             batches), and the entry check
//             alone with the hand-written fast path vs zod on the same parsed lines.
// The machine is shared: numbers are noisy, so each line says what it is the median of.
// REPLAY_BENCH_BASELINE=/path/to/other/dist/cli/main.js (or its dist directory) adds that build to the
// throughput rounds (alternated with the others, same server) and runs it first in timing, for a
// before/after from one run.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { mkdirSync, rmSync, readFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureWriter, readCaptureBatches, readCaptureFile } from '../dist/formats/capture-file.js';
import { fromHarEntry } from '../dist/formats/har-import.js';
import { harEntrySchema } from '../dist/formats/har-schema.js';
import { poissonTimes } from '../dist/replay/schedule/times.js';
import { startWireCapture, wireLag } from './_wire.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out', 'replay');
const CLI = join(root, 'dist', 'cli', 'main.js');
const TIMING_ROUNDS = Number(process.env.REPLAY_BENCH_TIMING_ROUNDS ?? 3);
const BASELINE = process.env.REPLAY_BENCH_BASELINE ? (process.env.REPLAY_BENCH_BASELINE.endsWith('.js') ? process.env.REPLAY_BENCH_BASELINE : join(process.env.REPLAY_BENCH_BASELINE, 'cli', 'main.js')) : undefined;
const CONNECTIONS = 10;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const T0 = 1_700_000_000_000_000;

/**
 * Timing runs put the generator and the server in the real-time class (chrt -f, as root) when they
 * can: the machine is shared, and other users' load is not the generator's lag. At 1× they use a
 * fraction of a core, so this takes nothing from anyone. REPLAY_BENCH_RT=0 runs them as everything else.
 */
const RT = process.env.REPLAY_BENCH_RT !== '0' && spawnSync('chrt', ['-f', '10', 'true']).status === 0;
const rt = (cmd, args) => (RT ? ['chrt', ['-f', '10', cmd, ...args]] : [cmd, args]);

function run(cmd, args, realtime = false) {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const child = spawn(...(realtime ? rt(cmd, args) : [cmd, args]), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, s: Number(process.hrtime.bigint() - t) / 1e9 }));
  });
}

async function server(realtime = false) {
  const src = "const s=require('http').createServer((q,r)=>{q.resume();q.on('end',()=>r.end('ok'))});s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
  const args = ['-e', src];
  const child = spawn(...(realtime ? rt(process.execPath, args) : [process.execPath, args]), { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((r) => child.stdout.once('data', (d) => r(String(d).trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function writeCapture(path, n, atUs, bodyBytes = 0) {
  const w = CaptureWriter.open(path);
  const body = bodyBytes ? { text: 'x'.repeat(bodyBytes), size: bodyBytes, truncated: false } : { text: 'ok', size: 2, truncated: false };
  for (let i = 0; i < n; i++) {
    const t = T0 + Math.round(atUs(i));
    await w.write({
      id: `b${i}`,
      timing: { requestStartUs: t, requestEndUs: t, responseStartUs: t + 500, responseEndUs: t + 600 },
      request: { method: 'GET', target: `/items/${i}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'Host', value: 'prod.example' }, { name: 'User-Agent', value: 'bench' }] },
      response: { status: 200, reason: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'text/plain' }], body },
    });
  }
  await w.close();
  return path;
}

async function replay(capture, target, extra, cli = CLI, realtime = false) {
  const summary = join(out, 'summary.json');
  const r = await run(process.execPath, [cli, 'replay', capture, '-t', target, '--summary', summary, '--quiet', ...extra], realtime);
  if (r.code !== 0 && r.code !== 3) throw new Error(`replay exited ${r.code}: ${r.stderr}`);
  return { ...r, summary: JSON.parse(readFileSync(summary, 'utf8')) };
}

/** One 1× replay with tcpdump on lo: wire lag (first packet vs intended time) beside the engine's own. */
async function wireTimed(capture, srv, cli) {
  const port = new URL(srv.url).port;
  const pcap = join(out, 'wire.pcap');
  const results = join(out, 'results.jsonl');
  const cap = await startWireCapture(port, pcap);
  let r;
  try {
    r = await replay(capture, srv.url, ['--results', results], cli, true);
  } finally {
    await cap.stop();
  }
  const w = await wireLag(pcap, port, r.summary, results, (id) => `/items/${id.slice(1)}`);
  return { ...w, summary: r.summary };
}

const lagLine = (s) => `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms, ${s.over2ms} > 2 ms late`;

/** TIMING_ROUNDS replays of one input by one build; prints each and the median round by wire p99. */
async function timingRounds(label, capture, srv, cli = CLI) {
  const rounds = [];
  for (let i = 0; i < TIMING_ROUNDS; i++) rounds.push(await wireTimed(capture, srv, cli));
  const m = [...rounds].sort((a, b) => a.wire.p99 - b.wire.p99)[Math.floor(rounds.length / 2)];
  const t = m.summary.targets[0];
  console.log(`replay timing ${label}, median of ${rounds.length} rounds by wire p99 (rounds: ${rounds.map((x) => x.wire.p99.toFixed(2)).join(', ')} ms):
  |lag| at the wire (tcpdump): ${lagLine(m.wire)} (goal p99 ≤ 2 ms); first 100 ms: ${lagLine(m.first)}${m.missing ? `; ${m.missing} requests not seen on the wire` : ''}
  |lag| as the engine reported it: ${lagLine(m.engine)}; queued for a connection ${t.queued ?? 'not counted'}; run ${m.summary.validity.valid ? 'valid' : 'INVALID'}, achieved/offered ${(t.achievedRate / t.offeredRate).toFixed(4)}, generator cpu ${m.summary.validity.cpu}, event-loop delay p99 ${m.summary.validity.eventLoopDelayP99Ms} ms`);
}

async function timing() {
  const rate = 2000;
  const seconds = Number(process.env.REPLAY_BENCH_SECONDS ?? 10);
  const times = poissonTimes(rate, 42);
  const all = [];
  for (let i = 0; ; i++) {
    const t = times(i);
    if (t >= seconds * 1e6) break;
    all.push(t);
  }
  const capture = await writeCapture(join(out, 'poisson.jsonl'), all.length, (i) => all[i]);
  const har = join(out, 'poisson.har');
  const c = await run(process.execPath, [CLI, 'convert', capture, har]);
  if (c.code !== 0) throw new Error(`convert exited ${c.code}: ${c.stderr}`);
  console.log(`replay timing: Poisson ${rate} req/s × ${seconds} s (${all.length} requests) replayed at 1× to a local node server, start-up included; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores${RT ? '; generator and server in the real-time class (chrt -f 10; REPLAY_BENCH_RT=0: not)' : ''}`);
  const srv = await server(true);
  try {
    for (const [kind, file] of [['.jsonl', capture], ['.har', har]]) {
      if (BASELINE) await timingRounds(`baseline ${BASELINE} (${kind})`, file, srv, BASELINE);
      await timingRounds(kind, file, srv);
    }
  } finally {
    srv.stop();
  }
}

async function memory() {
  const n = 100_000;
  const path = join(out, 'big.jsonl');
  try {
    await writeCapture(path, n, (i) => i * 100, 10_500);
    const gb = statSync(path).size / 2 ** 30;
    const srv = await server();
    try {
      const r = await replay(path, srv.url, ['--speed', '0', '--connections', String(CONNECTIONS)]);
      console.log(`replay memory: ${gb.toFixed(2)} GiB capture (${n} exchanges, 10.5 KB recorded bodies, compared), --speed 0: peak RSS ${r.summary.generator.maxRssMb} MB (goal ≤ 200), ${r.s.toFixed(1)} s, ${r.summary.targets[0].statuses['200']} × 200`);
    } finally {
      srv.stop();
    }
  } finally {
    rmSync(path, { force: true });
  }
}

async function read() {
  const n = 100_000;
  const path = await writeCapture(join(out, 'read.jsonl'), n, (i) => i * 100);
  const entries = readFileSync(path, 'utf8').split('\n').slice(1, 20_001).map((l) => JSON.parse(l));
  const perLine = (t0, count) => (Number(process.hrtime.bigint() - t0) / 1e3 / count).toFixed(2);
  const whole = [];
  const batched = [];
  const fast = [];
  const zod = [];
  for (let round = 0; round < 5; round++) {
    let t = process.hrtime.bigint();
    for await (const ex of readCaptureFile(path)) void ex;
    whole.push(perLine(t, n));
    t = process.hrtime.bigint();
    for await (const batch of readCaptureBatches(path)) void batch;
    batched.push(perLine(t, n));
    t = process.hrtime.bigint();
    for (const e of entries) fromHarEntry(e, '1');
    fast.push(perLine(t, entries.length));
    t = process.hrtime.bigint();
    for (const e of entries) harEntrySchema().parse(e);
    zod.push(perLine(t, entries.length));
  }
  console.log(`replay read: µs per capture line (medians of 5): whole read ${median(whole.map(Number))} (one at a time), ${median(batched.map(Number))} (in batches, as replay reads); entry → Exchange with the fast check ${median(fast.map(Number))} vs zod's parse alone ${median(zod.map(Number))}`);
}

mkdirSync(out, { recursive: true });
try {
  const only = process.argv[2];
  if (!only || only === 'timing') {
    // Wire timing needs tcpdump with the right to capture, and tshark: without them, say so and go on.
    await timing().catch((err) => {
      process.exitCode = 1;
      console.log(`replay timing: not measured: ${err.message}`);
    });
  }
  // Throughput (http:// and https://, vs autocannon) is bench/replay-throughput.mjs.
  if (!only || only === 'throughput') await import('./replay-throughput.mjs');
  if (!only || only === 'memory') await memory();
  if (!only || only === 'read') await read();
} finally {
  rmSync(out, { recursive: true, force: true });
}
