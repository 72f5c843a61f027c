// Replay throughput (issue 15, "replay --speed 0"): one HTTP/1.1 client for every target, so the same
// measurement for http:// and for https:// (a self-signed certificate made here with openssl).
// `--speed 0` replay of N requests vs autocannon with the same connections against the same local node
// server, each timed as a whole command (start-up included), alternated ROUNDS times; ratio of medians
// (goal ≥ 1.0), and CPU per request of each whole process (the ratio that survives a loaded machine).
// Each line says the load average: the machine is shared and the numbers are noisy.
// REPLAY_BENCH_N (default 100000), REPLAY_BENCH_ROUNDS (3), REPLAY_BENCH_CONNECTIONS (10);
// REPLAY_BENCH_SCHEMES=http,https; REPLAY_BENCH_BASELINE=/other/dist/cli/main.js adds that build to the rounds.
// REPLAY_BENCH_AUTOCANNON_TICK_MS (default 10): autocannon's sample interval, which is also how late it
// notices that it is done (1000, its default, is how this bench ran before: up to 1 s of idle tail).
import { spawn, execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { mkdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureWriter } from '../dist/formats/capture-file.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out', 'replay-throughput');
const CLI = join(root, 'dist', 'cli', 'main.js');
const AUTOCANNON = join(root, 'node_modules', 'autocannon', 'autocannon.js');
const N = Number(process.env.REPLAY_BENCH_N ?? 100_000);
const ROUNDS = Number(process.env.REPLAY_BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.REPLAY_BENCH_CONNECTIONS ?? 10);
const SCHEMES = (process.env.REPLAY_BENCH_SCHEMES ?? 'http,https').split(',');
const BASELINE = process.env.REPLAY_BENCH_BASELINE;
const TICK_MS = process.env.REPLAY_BENCH_AUTOCANNON_TICK_MS ?? '10';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Each timed node process prints the CPU it used (user + system) as it exits: robust to a loaded machine, unlike wall time. */
const CPU_AT_EXIT = ['--import', "data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\ncpu-us '+(u.user+u.system)+'\\n')})"];
const cpuMsOf = (stderr) => Number(/cpu-us (\d+)/.exec(stderr)?.[1] ?? NaN) / 1000;

function run(cmd, args) {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, s: Number(process.hrtime.bigint() - t) / 1e9, cpuMs: cpuMsOf(stderr) }));
  });
}

/**
 * A node server in its own process: http, or https with the certificate in `tls`. It answers as the
 * capture recorded (200, text/plain, the request's path), so replay's comparison finds the answers equal,
 * as in a replay of a service against itself; answering without the recorded Content-Type made every
 * request a difference, timing difference reporting for all 100k instead of the comparison itself.
 * No two requests or answers are alike (path, request id, body), as in real traffic: a memo of the last
 * request or pair must not win here what it would not win on a real replay.
 */
async function server(scheme, tls) {
  const mod = scheme === 'https' ? 'https' : 'http';
  const opts = tls ? `{cert:require('fs').readFileSync(${JSON.stringify(tls.cert)}),key:require('fs').readFileSync(${JSON.stringify(tls.key)})},` : '';
  const src = `const s=require('${mod}').createServer(${opts}(q,r)=>{q.resume();q.on('end',()=>{r.setHeader('content-type','text/plain');r.end(q.url)})});s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`;
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((r) => child.stdout.once('data', (d) => r(String(d).trim())));
  return { url: `${scheme}://127.0.0.1:${port}`, stop: () => child.kill() };
}

function selfSigned() {
  const key = join(out, 'key.pem');
  const cert = join(out, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { key, cert };
}

async function writeCapture(path, n) {
  const w = CaptureWriter.open(path);
  const T0 = 1_700_000_000_000_000;
  for (let i = 0; i < n; i++) {
    const t = T0 + i * 100;
    await w.write({
      id: `b${i}`,
      timing: { requestStartUs: t, requestEndUs: t, responseStartUs: t + 500, responseEndUs: t + 600 },
      request: { method: 'GET', target: `/items/${i}`, httpVersion: 'HTTP/1.1', headers: [{ name: 'Host', value: 'prod.example' }, { name: 'User-Agent', value: 'bench' }, { name: 'X-Request-Id', value: `r${i * 7919}` }] },
      response: { status: 200, reason: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'text/plain' }], body: { text: `/items/${i}`, size: `/items/${i}`.length, truncated: false } },
    });
  }
  await w.close();
  return path;
}

/**
 * The same requests as a HAR file for `autocannon --har`: the peer doing replay's job (requests read from
 * a recording, each one different) rather than repeating one pre-built request. Each autocannon
 * connection walks the list from its start, so 10 connections send the first tenth ten times each; the
 * requests are still all read, parsed and built before the first is sent, inside the timed command.
 */
function writeHar(path, url, n) {
  const entries = [];
  for (let i = 0; i < n; i++) {
    const headers = [{ name: 'User-Agent', value: 'bench' }, { name: 'X-Request-Id', value: `r${i * 7919}` }];
    entries.push({ request: { method: 'GET', url: `${url}/items/${i}`, httpVersion: 'HTTP/1.1', headers } });
  }
  writeFileSync(path, JSON.stringify({ log: { version: '1.2', creator: { name: 'bench', version: '1' }, entries } }));
  return path;
}

async function autocannon(url, extra) {
  // -L: autocannon ends at its first sample tick after the last response, and the default tick
  // (1 s) added up to a second of idle wall time to its run; shadowtap exits when its last response is in.
  const a = await run(process.execPath, [...CPU_AT_EXIT, AUTOCANNON, '-c', String(CONNECTIONS), '-a', String(N), '-L', TICK_MS, '--json', ...extra, url]);
  if (a.code !== 0) throw new Error(`autocannon exited ${a.code}: ${a.stderr}`);
  const ok = JSON.parse(a.stdout)['2xx'];
  // The goal line's peer must do the whole job. --har is context: a run that ends a few responses short
  // (seen: 99,997 of 100,000) is rated by what it completed, and the line says so.
  if (ok !== N && !extra.includes('--har')) throw new Error(`autocannon ${extra.join(' ')}: ${ok} of ${N} responses were 2xx`);
  return { ...a, ok };
}

async function replay(cli, capture, target, extra) {
  const summary = join(out, 'summary.json');
  const r = await run(process.execPath, [...CPU_AT_EXIT, ...(process.env.REPLAY_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.REPLAY_BENCH_PROFILE] : []), cli, 'replay', capture, '-t', target, '--summary', summary, '--quiet', '--speed', '0', '--connections', String(CONNECTIONS), ...extra]);
  if (r.code !== 0 && r.code !== 3) throw new Error(`replay exited ${r.code}: ${r.stderr}`);
  const s = JSON.parse(readFileSync(summary, 'utf8'));
  if (s.targets[0].statuses['200'] !== N) throw new Error(`replay ${target}: ${JSON.stringify(s.targets[0].statuses)} ${JSON.stringify(s.targets[0].errorReasons ?? {})}`);
  const cmp = s.differences?.targets[0];
  if (cmp?.compared !== N || cmp.differing !== 0) throw new Error(`replay ${target}: expected ${N} equal comparisons: ${JSON.stringify(cmp)}`);
  return r;
}

async function measure(scheme, capture, tls) {
  const srv = await server(scheme, tls);
  const extra = tls ? ['--ca', tls.cert] : [];
  const rates = { shadowtap: [], autocannon: [], har: [], baseline: [] };
  const cpu = { shadowtap: [], autocannon: [], har: [], baseline: [] };
  const har = writeHar(join(out, `${scheme}.har`), srv.url, N);
  let harShort = 0;
  const add = (name, r) => {
    const done = r.ok ?? N;
    if (name === 'har') harShort = Math.max(harShort, N - done);
    rates[name].push(done / r.s);
    cpu[name].push((r.cpuMs / done) * 1000);
  };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      add('autocannon', await autocannon(`${srv.url}/items/1`, []));
      add('har', await autocannon(srv.url, ['--har', har]));
      add('shadowtap', await replay(CLI, capture, srv.url, extra));
      if (BASELINE) add('baseline', await replay(BASELINE, capture, srv.url, extra));
    }
  } finally {
    srv.stop();
  }
  const o = median(rates.shadowtap);
  const t = median(rates.autocannon);
  const runs = (xs) => xs.map(Math.round).join(', ');
  console.log(`replay throughput ${scheme}://: --speed 0, ${N} requests, ${CONNECTIONS} connections, whole command timed (autocannon -L ${TICK_MS}): shadowtap ${Math.round(o)} req/s vs autocannon ${Math.round(t)} req/s (medians of ${ROUNDS}, alternated); ratio ${(o / t).toFixed(2)} (goal ≥ 1.0); runs: shadowtap ${runs(rates.shadowtap)}; autocannon ${runs(rates.autocannon)}; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
  const c = (name) => median(cpu[name]);
  console.log(`  CPU per 1,000 requests (whole process, median): shadowtap ${c('shadowtap').toFixed(0)} ms vs autocannon ${c('autocannon').toFixed(0)} ms; autocannon/shadowtap ${(c('autocannon') / c('shadowtap')).toFixed(2)} (≥ 1.0: shadowtap needs no more CPU per request)`);
  console.log(`  same job (autocannon --har: the ${N} requests read from a HAR file): autocannon ${Math.round(median(rates.har))} req/s, ${c('har').toFixed(0)} ms CPU per 1,000; shadowtap/autocannon --har ${(o / median(rates.har)).toFixed(2)} (runs ${runs(rates.har)}${harShort ? `; up to ${harShort} responses short of ${N}, rated by those completed` : ''})`);
  if (BASELINE) console.log(`  baseline ${BASELINE}: ${Math.round(median(rates.baseline))} req/s, ratio ${(median(rates.baseline) / t).toFixed(2)}; this build / baseline ${(o / median(rates.baseline)).toFixed(2)}; runs ${runs(rates.baseline)}; CPU per 1,000 requests ${c('baseline').toFixed(0)} ms (baseline/this build ${(c('baseline') / c('shadowtap')).toFixed(2)})`);
}

mkdirSync(out, { recursive: true });
try {
  const capture = await writeCapture(join(out, 'flat.jsonl'), N);
  for (const scheme of SCHEMES) await measure(scheme, capture, scheme === 'https' ? selfSigned() : undefined);
} finally {
  rmSync(out, { recursive: true, force: true });
}
