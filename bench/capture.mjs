// Capture pipeline bench: makes a ≥ 50 MB pcap with wrk + tcpdump against a real nginx, then, in the same
// run, times `shadowtap cat` (list the requests) against tshark doing the same, with peak RSS of each.
// Targets (issue 2): ≥ 15× tshark's speed, faster than 2× the recording rate, peak RSS ≤ 200 MB.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MIN_BYTES = Number(process.env.CAPTURE_BENCH_MB ?? 50) * 1e6;
// Optional: another build's dist/cli/main.js (e.g. the last commit's), timed in the same run for a before/after.
const BASELINE = process.env.CAPTURE_BENCH_BASELINE;
const dir = mkdtempSync(join(tmpdir(), 'shadowtap-bench-'));
const cli = new URL('../dist/cli/main.js', import.meta.url).pathname;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function freePort() {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

function startNginx(port) {
  writeFileSync(join(dir, 'index.html'), 'x'.repeat(300));
  writeFileSync(join(dir, 'nginx.conf'), `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir};
  scgi_temp_path ${dir}; server { listen 127.0.0.1:${port}; root ${dir}; keepalive_requests 1000000; } }\n`);
  return spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
}

/** Runs a command under /usr/bin/time -v: wall seconds, peak RSS in MB, stdout line count. */
function timed(cmd, args, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { maxBuffer: 1 << 30, encoding: 'utf8', env });
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const secs = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]);
  return { secs, cpu, rssMb: rssKb / 1024, lines: r.stdout.split('\n').filter(Boolean).length, status: r.status, stderr: r.stderr };
}

/** Records wrk load until the file holds MIN_BYTES (at most 30 s); returns its size and the recording time. */
async function record(port, file) {
  const dump = spawn('tcpdump', ['-i', 'lo', '-U', '--immediate-mode', '-B', '65536', '-s', '0', '-w', file, `tcp port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  dump.stderr.on('data', (d) => (err += d));
  while (!err.includes('listening on')) await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  const wrk = spawn('wrk', ['-t2', '-c32', '-d30s', `http://127.0.0.1:${port}/index.html`], { stdio: 'ignore' });
  while (wrk.exitCode === null && statSync(file).size < MIN_BYTES * 1.1) await new Promise((r) => setTimeout(r, 50));
  wrk.kill('SIGINT');
  const recordSecs = (Date.now() - t0) / 1000;
  dump.kill('SIGINT');
  await new Promise((r) => dump.once('exit', r));
  const bytes = statSync(file).size;
  if (bytes < MIN_BYTES) throw new Error(`recorded only ${bytes} bytes`);
  return { bytes, recordSecs, tcpdump: err.trim().split('\n').slice(-3).join('; ') };
}

const port = await freePort();
const nginx = startNginx(port);
try {
  await new Promise((r) => setTimeout(r, 500));
  const file = join(dir, 'bench.pcap');
  const rec = await record(port, file);
  const mb = rec.bytes / 1e6;
  console.log(`capture: ${mb.toFixed(1)} MB recorded in ${rec.recordSecs.toFixed(1)} s (${(mb / rec.recordSecs).toFixed(1)} MB/s); ${rec.tcpdump}`);
  const runs = (cmd, args, n, env) => Array.from({ length: n }, () => timed(cmd, args, env));
  // Interleaved would be fairer on a shared machine, but each series is short; medians absorb the rest.
  const ours = runs(process.execPath, [cli, 'cat', file], 5, { ...process.env, SHADOWTAP_DEBUG: '1' });
  const bailed = ours[0].stderr.match(/tsv lane: .*/)?.[0];
  // The JS pipeline alone (what the WebAssembly tsv lane falls back to), for the record.
  const jsOnly = runs(process.execPath, [cli, 'cat', file], 3, { ...process.env, SHADOWTAP_TSV_LANE: '0' });
  const before = BASELINE ? runs(process.execPath, [BASELINE, 'cat', file], 3) : [];
  const toJsonl = timed(process.execPath, [cli, 'capture', '--read', file, '--port', String(port), '--out', join(dir, 'out.jsonl')]);
  const theirs = runs('tshark', ['-r', file, '-d', `tcp.port==${port},http`, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri'], 3);
  const summary = (rs) => ({ ...rs[0], secs: median(rs.map((r) => r.secs)), cpu: median(rs.map((r) => r.cpu)), rssMb: Math.max(...rs.map((r) => r.rssMb)) });
  const s = summary(ours);
  const t = summary(theirs);
  const line = (name, r) => console.log(`${name.padEnd(28)} wall ${r.secs.toFixed(2)} s, cpu ${r.cpu.toFixed(2)} s (${(mb / r.secs).toFixed(0)} MB/s wall), ${r.lines} lines, peak RSS ${r.rssMb.toFixed(0)} MB`);
  line(`shadowtap cat (median/${ours.length})`, s);
  console.log(bailed ? `note: ${bailed}` : 'tsv lane: handled the whole capture (no fallback)');
  line(`cat, JS pipeline (median/${jsOnly.length})`, summary(jsOnly));
  if (before.length) line(`baseline cat (median/${before.length})`, summary(before));
  line('shadowtap capture → jsonl', toJsonl);
  line(`tshark (median/${theirs.length})`, t);
  if (s.lines !== t.lines) console.log(`note: request counts differ (shadowtap ${s.lines}, tshark ${t.lines})`);
  // The machine may be shared: CPU time is the steadier basis for the ratio; wall time is printed too.
  console.log(`ratio vs tshark: ${(t.secs / s.secs).toFixed(1)}× wall, ${(t.cpu / s.cpu).toFixed(1)}× cpu (target ≥ 15×)`);
  if (before.length) {
    const b = summary(before);
    console.log(`baseline vs tshark: ${(t.secs / b.secs).toFixed(1)}× wall, ${(t.cpu / b.cpu).toFixed(1)}× cpu; this build is ${(b.cpu / s.cpu).toFixed(2)}× the baseline (cpu)`);
  }
  const recorded = s.lines / rec.recordSecs;
  const processed = s.lines / s.secs;
  console.log(`rate: ${processed.toFixed(0)} exchanges/s processed (wall) vs ${recorded.toFixed(0)}/s recorded: ${(processed / recorded).toFixed(1)}× (target > 2×)`);
  console.log(`peak RSS: ${s.rssMb.toFixed(0)} MB for a ${mb.toFixed(0)} MB capture (target ≤ 200 MB)`);
} finally {
  nginx.kill('SIGQUIT');
  rmSync(dir, { recursive: true, force: true });
}
