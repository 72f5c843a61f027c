// Capture pipeline bench: makes a ≥ 50 MB pcap with wrk + tcpdump against a real nginx, then, in the same
// run, times `shadowtap cat` (list the requests) against tshark doing the same, with peak RSS of each.
// Targets (issue 2): ≥ 15× tshark's speed, faster than 2× the recording rate, peak RSS ≤ 200 MB.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MIN_BYTES = Number(process.env.CAPTURE_BENCH_MB ?? 50) * 1e6;
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
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const secs = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]);
  return { secs, cpu, rssMb: rssKb / 1024, lines: r.stdout.split('\n').filter(Boolean).length, status: r.status };
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
  const ours = [];
  for (let i = 0; i < 3; i++) ours.push(timed(process.execPath, [cli, 'cat', file]));
  const toJsonl = timed(process.execPath, [cli, 'capture', '--read', file, '--port', String(port), '--out', join(dir, 'out.jsonl')]);
  const theirs = [];
  for (let i = 0; i < 2; i++) theirs.push(timed('tshark', ['-r', file, '-d', `tcp.port==${port},http`, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri']));
  const s = median(ours.map((r) => r.secs));
  const t = median(theirs.map((r) => r.secs));
  const sc = median(ours.map((r) => r.cpu));
  const tc = median(theirs.map((r) => r.cpu));
  const rss = Math.max(...ours.map((r) => r.rssMb));
  const line = (name, r, wall, cpu) => console.log(`${name.padEnd(26)} wall ${wall.toFixed(2)} s, cpu ${cpu.toFixed(2)} s (${(mb / wall).toFixed(0)} MB/s wall), ${r.lines} lines, peak RSS ${r.rssMb.toFixed(0)} MB`);
  line(`shadowtap cat (median/${ours.length})`, { ...ours[0], rssMb: rss }, s, sc);
  line('shadowtap capture → jsonl', toJsonl, toJsonl.secs, toJsonl.cpu);
  line(`tshark (median/${theirs.length})`, theirs[0], t, tc);
  if (ours[0].lines !== theirs[0].lines) console.log(`note: request counts differ (shadowtap ${ours[0].lines}, tshark ${theirs[0].lines})`);
  // The machine may be shared: CPU time is the steadier basis for the ratio; wall time is printed too.
  console.log(`ratio vs tshark: ${(t / s).toFixed(1)}× wall, ${(tc / sc).toFixed(1)}× cpu (target ≥ 15×)`);
  console.log(`ratio vs recording: processed ${(rec.recordSecs / s).toFixed(1)}× faster than recorded (target > 2×)`);
  console.log(`peak RSS: ${rss.toFixed(0)} MB for a ${mb.toFixed(0)} MB capture (target ≤ 200 MB)`);
} finally {
  nginx.kill('SIGQUIT');
  rmSync(dir, { recursive: true, force: true });
}
