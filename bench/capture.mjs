// Capture bench: makes a ≥ 50 MB pcap with wrk + tcpdump against a real nginx, then, in the same run,
// times what users run on it: `capture --read → .jsonl` and `.jsonl.gz` (the capture file every other
// command consumes) against tshark's listing (`-T fields`) and its full dissection (`-T ek -j http`), and
// `cat` (tsv) against the listing. Medians of CAPTURE_BENCH_RUNS (≥ 3) rounds, the commands of a round
// interleaved so load on a shared machine falls on all of them alike. CPU time is the steadier basis.
// Targets (issue 15): capture → .jsonl ≤ 10 µs CPU per exchange, ≥ 4× the listing, ≥ 20× ek; .jsonl.gz
// ≤ 1.5× the time of .jsonl; peak RSS ≤ 200 MB; cat ≥ 10× the listing.
// wrk repeats one request byte for byte, which flatters anything that remembers the last head (a
// connection's head memo, per-Header caches of the writer): so a second capture of varied traffic (a wrk
// script: paths, queries, cookies, bearer tokens, POST bodies with passwords; nginx answering with the URI
// and a per-request Set-Cookie) is timed too, against tshark's full dissection, and printed beside it.
// CAPTURE_BENCH_VARIED_PCAP=file:port uses an existing one; CAPTURE_BENCH_VARIED=0 skips it. Recorded
// captures stay in bench/out/capture/ for the benches that run after this one (bench/_pcaps.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECORDED_DIR, saveRecorded } from './_pcaps.mjs';

const MIN_BYTES = Number(process.env.CAPTURE_BENCH_MB ?? 50) * 1e6;
const RUNS = Math.max(3, Number(process.env.CAPTURE_BENCH_RUNS ?? 3));
// Optional: another build's dist/cli/main.js (e.g. main's), timed in the same rounds for a before/after.
const BASELINE = process.env.CAPTURE_BENCH_BASELINE;
// Optional: an existing pcap and its server port instead of recording one ("file.pcap:port").
const GIVEN = process.env.CAPTURE_BENCH_PCAP;
const GIVEN_VARIED = process.env.CAPTURE_BENCH_VARIED_PCAP;
const VARIED = process.env.CAPTURE_BENCH_VARIED !== '0';
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
  scgi_temp_path ${dir}; server { listen 127.0.0.1:${port}; root ${dir}; keepalive_requests 1000000;
  location /p/ { default_type text/plain; add_header Set-Cookie "sid=$request_id; HttpOnly"; return 200 "item $uri?$args $request_id\\n"; } } }\n`);
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

/** wrk's request generator for the varied capture: no two requests alike, secrets where users have them. */
const VARIED_SCRIPT = `local n = 0
request = function()
  n = n + 1
  local path = string.format("/p/%d/item%d.html?q=%d&page=%d", n % 97, n % 1013, n, n % 7)
  local h = { ["Cookie"] = "session=s" .. n .. "x; theme=dark", ["Authorization"] = "Bearer t" .. (n * 7919), ["User-Agent"] = "bench/" .. (n % 5), ["Accept"] = "text/html" }
  if n % 5 == 0 then
    h["Content-Type"] = "application/json"
    return wrk.format("POST", path, h, '{"user":"u' .. n .. '","password":"p' .. n .. '"}')
  end
  return wrk.format("GET", path, h)
end
`;

/** Records wrk load until the file holds MIN_BYTES (at most 30 s); returns its size and the recording time. */
async function record(port, file, script) {
  const dump = spawn('tcpdump', ['-i', 'lo', '-U', '--immediate-mode', '-B', '65536', '-s', '0', '-w', file, `tcp port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  dump.stderr.on('data', (d) => (err += d));
  for (let i = 0; i < 200 && !err.includes('listening on'); i++) await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  const scriptArgs = script ? ['-s', script] : [];
  const wrk = spawn('wrk', ['-t2', '-c32', '-d30s', ...scriptArgs, `http://127.0.0.1:${port}/index.html`], { stdio: 'ignore' });
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
const given = (spec) => [spec.replace(/:\d+$/, ''), Number(/:(\d+)$/.exec(spec)[1])];
/** A pcap to time: the given one, or one recorded now against nginx (plain wrk, or wrk running `script`). */
async function pcap(spec, name, script) {
  if (spec) return given(spec);
  if (!nginx) {
    nginx = { port: await freePort() };
    nginx.proc = startNginx(nginx.port);
    await new Promise((r) => setTimeout(r, 500));
  }
  mkdirSync(RECORDED_DIR, { recursive: true });
  const file = join(RECORDED_DIR, name);
  if (script) writeFileSync(join(dir, 'varied.lua'), script);
  const rec = await record(nginx.port, file, script && join(dir, 'varied.lua'));
  console.log(`recorded ${name}: ${(rec.bytes / 1e6).toFixed(1)} MB in ${rec.recordSecs.toFixed(1)} s; ${rec.tcpdump}`);
  return [file, nginx.port];
}

try {
  const [file, port] = await pcap(GIVEN, 'bench.pcap');
  const varied = VARIED ? await pcap(GIVEN_VARIED, 'varied.pcap', VARIED_SCRIPT) : undefined;
  if (!GIVEN) saveRecorded([{ name: 'plain', file, port }, ...(varied && !GIVEN_VARIED ? [{ name: 'varied', file: varied[0], port: varied[1] }] : [])]);
  const mb = statSync(file).size / 1e6;
  const out = (name) => join(dir, name);
  const stdoutOf = (name) => out(`${name.replace(/\W+/g, '_')}.out`);
  const node = (main, name, args) => ({ name, cmd: process.execPath, args: [main, ...args] });
  const capture = (main, ext) => ['capture', '--read', file, '--port', String(port), '--out', out(`out-${main === cli ? 'this' : 'base'}.${ext}`)];
  const variedCommands = varied
    ? [
        node(cli, 'varied: capture → .jsonl', ['capture', '--read', varied[0], '--port', String(varied[1]), '--out', out('varied.jsonl')]),
        { name: 'varied: tshark -T ek -j http', cmd: 'tshark', args: ['-r', varied[0], '-d', `tcp.port==${varied[1]},http`, '-T', 'ek', '-j', 'http'] },
        ...(BASELINE ? [node(BASELINE, 'varied: baseline → .jsonl', ['capture', '--read', varied[0], '--port', String(varied[1]), '--out', out('varied-base.jsonl')])] : []),
      ]
    : [];
  const commands = [
    node(cli, 'capture → .jsonl', capture(cli, 'jsonl')),
    node(cli, 'capture → .jsonl.gz', capture(cli, 'jsonl.gz')),
    node(cli, 'cat (tsv)', ['cat', file]),
    { name: 'tshark -T fields', cmd: 'tshark', args: ['-r', file, '-d', `tcp.port==${port},http`, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri'] },
    { name: 'tshark -T ek -j http', cmd: 'tshark', args: ['-r', file, '-d', `tcp.port==${port},http`, '-T', 'ek', '-j', 'http'] },
    ...(BASELINE ? [node(BASELINE, 'baseline capture → .jsonl', capture(BASELINE, 'jsonl')), node(BASELINE, 'baseline cat (tsv)', ['cat', file])] : []),
    ...variedCommands,
  ];
  const results = new Map(commands.map((c) => [c.name, []]));
  // Each run writes a new file, as a user's capture does: the last round's output is removed first, outside
  // the timing, as timed() truncates tshark's stdout file outside its own. Writing over the last round's
  // 100+ MB file put its truncation (~40 ms, in open()) inside shadowtap's time.
  const outputOf = (c) => (c.args.includes('--out') ? c.args[c.args.indexOf('--out') + 1] : undefined);
  for (let round = 0; round < RUNS; round++) {
    for (const c of commands) {
      const written = outputOf(c);
      if (written) rmSync(written, { force: true });
      results.get(c.name).push(timed(c.cmd, c.args, stdoutOf(c.name)));
    }
  }
  const exchanges = lineCount(out('out-this.jsonl')) - 1; // minus the header line
  const listed = lineCount(stdoutOf('cat (tsv)'));
  const tsharkListed = lineCount(stdoutOf('tshark -T fields'));
  const s = Object.fromEntries([...results].map(([name, rs]) => [name, { secs: median(rs.map((r) => r.secs)), cpu: median(rs.map((r) => r.cpu)), rssMb: Math.max(...rs.map((r) => r.rssMb)) }]));
  console.log(`${mb.toFixed(1)} MB pcap, ${exchanges} exchanges written, ${listed} listed by cat, ${tsharkListed} requests listed by tshark; medians of ${RUNS}`);
  const variedExchanges = varied ? lineCount(out('varied.jsonl')) - 1 : 0;
  for (const [name, r] of Object.entries(s)) {
    if (name.startsWith('varied')) continue;
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
  if (varied) {
    const v = s['varied: capture → .jsonl'];
    const ek = s['varied: tshark -T ek -j http'];
    const vb = s['varied: baseline → .jsonl'];
    const per = (r) => `${((r.cpu / variedExchanges) * 1e6).toFixed(1)} µs CPU/exchange`;
    console.log(`varied traffic (${(statSync(varied[0]).size / 1e6).toFixed(1)} MB, ${variedExchanges} exchanges, no two requests alike): capture → .jsonl ${per(v)}, peak RSS ${v.rssMb.toFixed(0)} MB; tshark -T ek ${per(ek)}: ${(ek.secs / v.secs).toFixed(1)}× wall, ${(ek.cpu / v.cpu).toFixed(1)}× cpu${vb ? `; baseline ${per(vb)} (this build ${(vb.cpu / v.cpu).toFixed(2)}×)` : ''}`);
  }
  // Context, not a goal line: each tool's fixed start-up, timed on an empty pcap (header only), and the
  // ratios of what is left, which is what a capture file many times this size is made of.
  const empty = join(dir, 'empty.pcap');
  writeFileSync(empty, Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex'));
  /** A command's wall time, median of 5 (what start-up costs, when its input is empty). */
  const startOf = (cmd, args) => median([0, 1, 2, 3, 4].map(() => timed(cmd, args, join(dir, 'start.out')).secs));
  const st = {
    'capture → .jsonl': startOf(process.execPath, [cli, 'capture', '--read', empty, '--port', String(port), '--out', out('empty.jsonl')]),
    'cat (tsv)': startOf(process.execPath, [cli, 'cat', empty]),
    'tshark -T fields': startOf('tshark', ['-r', empty, '-d', `tcp.port==${port},http`, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri']),
    'tshark -T ek -j http': startOf('tshark', ['-r', empty, '-d', `tcp.port==${port},http`, '-T', 'ek', '-j', 'http']),
  };
  const beyond = (a, b) => `${a} vs ${b} ${((s[b].secs - st[b]) / (s[a].secs - st[a])).toFixed(1)}×`;
  console.log(`start-up (an empty pcap, median of 5): capture ${st['capture → .jsonl'].toFixed(2)} s, cat ${st['cat (tsv)'].toFixed(2)} s, tshark -T fields ${st['tshark -T fields'].toFixed(2)} s, -T ek ${st['tshark -T ek -j http'].toFixed(2)} s; wall beyond start-up: ${beyond('capture → .jsonl', 'tshark -T fields')}, ${beyond('capture → .jsonl', 'tshark -T ek -j http')}, ${beyond('cat (tsv)', 'tshark -T fields')}`);
  if (listed !== tsharkListed) console.log(`note: request counts differ (cat ${listed}, tshark ${tsharkListed})`);
  // A machine-wide setting every node process pays at start (the whole CA bundle read and parsed), and
  // tshark does not: timed as it is, and its cost said, so the figures above can be read either way.
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const start = (env) => startOf('/usr/bin/env', [...env, process.execPath, '-e', '0']);
    const [withCa, without] = [start([]), start(['-u', 'NODE_EXTRA_CA_CERTS'])];
    console.log(`note: NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): node starts in ${(withCa * 1000).toFixed(0)} ms with it, ${(without * 1000).toFixed(0)} ms without; every shadowtap figure above includes it once`);
  }
} finally {
  nginx?.proc.kill('SIGQUIT');
  rmSync(dir, { recursive: true, force: true });
}
