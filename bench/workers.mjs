// Workers bench (issue 16, item 5): the cost of coordination and the size of what a worker sends.
//  overhead  `replay --speed 0` of REQUESTS requests against one local node server, plain vs
//            `--workers 1` (the same replay through a forked worker, the IPC protocol and the merge),
//            alternated ROUNDS times in one run; ratio of the medians of the achieved req/s (goal ≥ 0.95).
//            Per-worker figures come from the merged summary: on this 2-core machine N workers
//            cannot show scaling, so N workers' capacity follows from one worker's req/s × N cores.
//            Also CPU per request of both (the robust figure on a loaded machine): the CPU time of
//            the replay process and every process it waited for (its worker), from this process's
//            cutime + cstime in /proc/self/stat (clock ticks) around each run, less the fixed cost
//            (start-up, fork, barrier) of a 20-request run of the same mode.
//  message   bytes of one interval message as sent (JSON with the compressed HDR histogram) for an
//            interval of 1,000 and of 50,000 latencies spread over 0.2–300 ms.
import { spawn, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureWriter } from '../dist/formats/capture-file.js';
import { newHistogram, recordUs } from '../dist/replay/stats/histogram.js';
import { encodeInterval, encodeJson } from '../dist/distributed/protocol.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'dist', 'cli', 'main.js');
const ROUNDS = Number(process.env.WORKERS_BENCH_ROUNDS ?? 3);
const REQUESTS = Number(process.env.WORKERS_BENCH_REQUESTS ?? 20000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'shadowtap-bench-workers-'));

const capture = join(dir, 'c.jsonl');
const w = CaptureWriter.open(capture);
for (let i = 0; i < 20; i++) {
  const t = 1_700_000_000_000_000 + i * 1000;
  await w.write({ id: `r${i}`, timing: { requestStartUs: t, requestEndUs: t }, request: { method: 'GET', target: `/items/${i}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'Host', value: 'bench' }] } });
}
await w.close();

const server = spawn(process.execPath, ['-e', "const s=require('http').createServer((q,r)=>{q.resume();q.on('end',()=>r.end('ok'))});s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((r) => server.stdout.once('data', (d) => r(String(d).trim())));

/** CPU ms of the children this process has waited for (the replay CLI and, through it, its worker). */
function childCpuMs() {
  const f = readFileSync('/proc/self/stat', 'utf8').slice(readFileSync('/proc/self/stat', 'utf8').lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, cutime and cstime are fields 16 and 17 (1-based).
  return ((Number(f[13]) + Number(f[14])) * 1000) / 100;
}

function replay(extra, requests = REQUESTS) {
  const cpu0 = childCpuMs();
  const summary = join(dir, 's.json');
  const r = spawnSync(process.execPath, [CLI, 'replay', capture, '-t', `http://127.0.0.1:${port}`, '--speed', '0', '--loop', 'forever', '--max-requests', String(requests), '--no-compare', '--quiet', '--summary', summary, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`replay ${extra.join(' ')}: exit ${r.status}\n${r.stderr}`);
  const out = JSON.parse(readFileSync(summary, 'utf8'));
  out.cpuMs = childCpuMs() - cpu0;
  return out;
}

try {
  const plain = [];
  const one = [];
  const cpuPlain = [];
  const cpuOne = [];
  let last;
  for (let i = 0; i < ROUNDS; i++) {
    const p0 = replay([]);
    plain.push(p0.targets[0].achievedRate);
    // CPU per request past the fixed cost (start-up, fork, barrier), which a 20-request run of the same mode measures.
    cpuPlain.push(((p0.cpuMs - replay([], 20).cpuMs) * 1000) / (REQUESTS - 20));
    last = replay(['--workers', '1']);
    one.push(last.targets[0].achievedRate);
    cpuOne.push(((last.cpuMs - replay(['--workers', '1'], 20).cpuMs) * 1000) / (REQUESTS - 20));
  }
  const [p, o] = [median(plain), median(one)];
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${REQUESTS} requests at --speed 0, ${ROUNDS} alternated rounds`);
  console.log(`plain replay       ${p.toFixed(0)} req/s (median of ${plain.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`--workers 1        ${o.toFixed(0)} req/s (median of ${one.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`ratio              ${(o / p).toFixed(3)} (goal ≥ 0.95)`);
  const [cp, co] = [median(cpuPlain), median(cpuOne)];
  console.log(`CPU per request    plain ${cp.toFixed(1)} µs (${cpuPlain.map((x) => x.toFixed(1)).join(', ')}); --workers 1 ${co.toFixed(1)} µs (${cpuOne.map((x) => x.toFixed(1)).join(', ')}), coordinator + worker, the fixed start-up cost of a 20-request run of each mode subtracted`);
  console.log(`CPU ratio          ${(cp / co).toFixed(3)} (plain / --workers 1: the share of one core's requests left after coordination)`);
  for (const wk of last.workers) console.log(`per worker         ${wk.name}: ${wk.requests} requests, cpu ${wk.validity.cpu} cores, clock skew ${wk.clockSkewMs} ms; 2 cores here cannot show scaling: N workers ≈ N × this worker's req/s, one per core`);
  for (const n of [1000, 50_000]) {
    const h = newHistogram();
    for (let i = 0; i < n; i++) recordUs(h, 200 + ((i * 7919) % 300_000));
    const msg = encodeJson({ w: 0, t: 'interval', ...encodeInterval(0, 5_000_000, { offered: n, ok: n, errors: 0, latency: h }) });
    console.log(`interval message   ${n} latencies: ${Buffer.byteLength(msg)} bytes`);
  }
} finally {
  server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
