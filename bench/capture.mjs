// Capture bench: makes a ≥ 50 MB pcap with wrk + tcpdump against a real nginx, then, in the same run,
// times what users run on it: `capture --read → .jsonl` and `.jsonl.gz` (the capture file every other
// command consumes) against tshark's listing (`-T fields`) and its full dissection (`-T ek -j http`), and
// `cat` (tsv) against the listing. Medians of CAPTURE_BENCH_RUNS (≥ 3) rounds, the commands of a round
// interleaved so load on a shared machine falls on all of them alike. CPU time is the steadier basis.
// Targets (issue 15): capture → .jsonl ≤ 10 µs CPU per exchange, ≥ 4× the listing, ≥ 20× ek; .jsonl.gz
// ≤ 1.5× the time of .jsonl; peak RSS ≤ 200 MB; cat ≥ 10× the listing.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MIN_BYTES = Number(process.env.CAPTURE_BENCH_MB ?? 50) * 1e6;
const RUNS = Math.max(3, Number(process.env.CAPTURE_BENCH_RUNS ?? 3));
// Optional: another build's dist/cli/main.js (e.g. main's), timed in the same rounds for a before/after.
const BASELINE = process.env.CAPTURE_BENCH_BASELINE;
// Optional: an existing pcap and its server port instead of recording one ("file.pcap:port").
const GIVEN = process.env.CAPTURE_BENCH_PCAP;
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

/** Runs a command under /usr/bin/time -v, stdout to `out`: wall and CPU seconds, peak RSS in MB. */
function timed(cmd, args, out) {
  const fd = openSync(out, 'w');
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  closeSync(fd);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const secs = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1]);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}: ${r.stderr.slice(-600)}`);
  return { secs, cpu, rssMb: rssKb / 1024 };
}

/** Records wrk load until the file holds MIN_BYTES (at most 30 s); returns its size and the recording time. */
async function record(port, file) {
  const dump = spawn('tcpdump', ['-i', 'lo', '-U', '--immediate-mode', '-B', '65536', '-s', '0', '-w', file, `tcp port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  dump.stderr.on('data', (d) => (err += d));
  for (let i = 0; i < 200 && !err.includes('listening on'); i++) await new Promise((r) => setTimeout(r, 50));
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

const lineCount = (path) => {
  const b = readFileSync(path);
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
};

let nginx;
try {
  let file, port;
  if (GIVEN) [file, port] = [GIVEN.replace(/:\d+$/, ''), Number(/:(\d+)$/.exec(GIVEN)[1])];
  else {
    port = await freePort();
    nginx = startNginx(port);
    await new Promise((r) => setTimeout(r, 500));
    file = join(dir, 'bench.pcap');
    const rec = await record(port, file);
    console.log(`recorded ${(rec.bytes / 1e6).toFixed(1)} MB in ${rec.recordSecs.toFixed(1)} s; ${rec.tcpdump}`);
  }
  const mb = statSync(file).size / 1e6;
  const out = (name) => join(dir, name);
  const stdoutOf = (name) => out(`${name.replace(/\W+/g, '_')}.out`);
  const node = (main, name, args) => ({ name, cmd: process.execPath, args: [main, ...args] });
  const capture = (main, ext) => ['capture', '--read', file, '--port', String(port), '--out', out(`out-${main === cli ? 'this' : 'base'}.${ext}`)];
  const commands = [
    node(cli, 'capture → .jsonl', capture(cli, 'jsonl')),
    node(cli, 'capture → .jsonl.gz', capture(cli, 'jsonl.gz')),
    node(cli, 'cat (tsv)', ['cat', file]),
    { name: 'tshark -T fields', cmd: 'tshark', args: ['-r', file, '-d', `tcp.port==${port},http`, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri'] },
    { name: 'tshark -T ek -j http', cmd: 'tshark', args: ['-r', file, '-d', `tcp.port==${port},http`, '-T', 'ek', '-j', 'http'] },
    ...(BASELINE ? [node(BASELINE, 'baseline capture → .jsonl', capture(BASELINE, 'jsonl')), node(BASELINE, 'baseline cat (tsv)', ['cat', file])] : []),
  ];
  const results = new Map(commands.map((c) => [c.name, []]));
  for (let round = 0; round < RUNS; round++) for (const c of commands) results.get(c.name).push(timed(c.cmd, c.args, stdoutOf(c.name)));
  const exchanges = lineCount(out('out-this.jsonl')) - 1; // minus the header line
  const listed = lineCount(stdoutOf('cat (tsv)'));
  const tsharkListed = lineCount(stdoutOf('tshark -T fields'));
  const s = Object.fromEntries([...results].map(([name, rs]) => [name, { secs: median(rs.map((r) => r.secs)), cpu: median(rs.map((r) => r.cpu)), rssMb: Math.max(...rs.map((r) => r.rssMb)) }]));
  console.log(`${mb.toFixed(1)} MB pcap, ${exchanges} exchanges written, ${listed} listed by cat, ${tsharkListed} requests listed by tshark; medians of ${RUNS}`);
  for (const [name, r] of Object.entries(s)) {
    const perEx = `${((r.cpu / exchanges) * 1e6).toFixed(1)} µs CPU/exchange`;
    console.log(`${name.padEnd(28)} wall ${r.secs.toFixed(2)} s, cpu ${r.cpu.toFixed(2)} s, ${perEx}, ${(mb / r.secs).toFixed(0)} MB/s wall, peak RSS ${r.rssMb.toFixed(0)} MB`);
  }
  const ratio = (a, b, target) => console.log(`${`${a} vs ${b}:`.padEnd(52)} ${(s[b].secs / s[a].secs).toFixed(1)}× wall, ${(s[b].cpu / s[a].cpu).toFixed(1)}× cpu (target ${target})`);
  ratio('capture → .jsonl', 'tshark -T fields', '≥ 4×');
  ratio('capture → .jsonl', 'tshark -T ek -j http', '≥ 20×');
  ratio('cat (tsv)', 'tshark -T fields', '≥ 10×');
  const gz = (k) => (s['capture → .jsonl.gz'][k] / s['capture → .jsonl'][k]).toFixed(2);
  console.log(`.jsonl.gz / .jsonl: ${gz('secs')}× wall, ${gz('cpu')}× cpu (target ≤ 1.5×)`);
  const j = s['capture → .jsonl'];
  console.log(`capture → .jsonl: ${((j.cpu / exchanges) * 1e6).toFixed(1)} µs CPU per exchange (target ≤ 10); peak RSS ${Math.max(j.rssMb, s['capture → .jsonl.gz'].rssMb).toFixed(0)} MB (target ≤ 200)`);
  if (BASELINE) {
    const b = s['baseline capture → .jsonl'];
    const bc = s['baseline cat (tsv)'];
    console.log(`this build vs baseline (cpu): capture → .jsonl ${(b.cpu / j.cpu).toFixed(2)}×, cat ${(bc.cpu / s['cat (tsv)'].cpu).toFixed(2)}×`);
  }
  if (listed !== tsharkListed) console.log(`note: request counts differ (cat ${listed}, tshark ${tsharkListed})`);
} finally {
  nginx?.kill('SIGQUIT');
  rmSync(dir, { recursive: true, force: true });
}
