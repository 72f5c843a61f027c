// Start-up bench (issue 15): the fixed CPU cost of the commands users run, on tiny inputs, beside
// `node -e 0` and autocannon measured in the same rounds. Each command's user + system CPU (the whole
// process, every thread) is what wait4 reports, as /usr/bin/time prints it but to the microsecond
// (time rounds to 10 ms, as coarse as the differences measured): python3's os.wait4 reads it.
// Medians of STARTUP_BENCH_ROUNDS (7), the commands of a round interleaved so a shared machine's load
// falls on all alike.
// STARTUP_BENCH_NODES=/path/node20,/path/node22 (default: this node); STARTUP_BENCH_BASELINE=/other/dist/cli/main.js
// adds that build's rows; the plain capture of bench/_pcaps.mjs (the one bench/capture.mjs recorded, or
// CAPTURE_BENCH_PCAP=file.pcap:port) is cut to its first 200 packets for the tiny inputs. STARTUP_BENCH_ONLY=capture,cat runs only the rows whose name has one of those.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPcaps } from './_pcaps.mjs';

const ROUNDS = Number(process.env.STARTUP_BENCH_ROUNDS ?? 7);
const NODES = (process.env.STARTUP_BENCH_NODES ?? process.execPath).split(',');
const given = benchPcaps()[0];
if (!given) {
  console.log('startup: skipped (no capture: run bench/capture.mjs first, or set CAPTURE_BENCH_PCAP=file.pcap:port)');
  process.exit(0);
}
const [PCAP, PORT] = [given.file, String(given.port)];
const ONLY = process.env.STARTUP_BENCH_ONLY?.split(',');
const CLIS = { new: new URL('../dist/cli/main.js', import.meta.url).pathname, ...(process.env.STARTUP_BENCH_BASELINE ? { base: process.env.STARTUP_BENCH_BASELINE } : {}) };
const AUTOCANNON = new URL('../node_modules/autocannon/autocannon.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'shadowtap-startup-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs argv[1:] with stdout to /dev/null; prints its exit status and user + system seconds (wait4's rusage). */
const WAIT4 = `import os, sys
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
sys.stderr.write("cpu %d %.6f %.6f\\n" % (os.waitstatus_to_exitcode(status), ru.ru_utime, ru.ru_stime))`;

/** CPU seconds (user + system) of one run; a failing run is an error, not a number. */
function cpu(cmd, args) {
  const r = spawnSync('python3', ['-c', WAIT4, cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const m = /cpu (-?\d+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m || m[1] !== '0') throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-400)}`);
  return Number(m[2]) + Number(m[3]);
}

async function server(node) {
  const src = "const s=require('http').createServer((q,r)=>{q.resume();q.on('end',()=>r.end('x'.repeat(300)))});s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
  const child = spawn(node, ['-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((r) => child.stdout.once('data', (d) => r(String(d).trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const tiny = join(dir, 'tiny.pcap');
const jsonl = join(dir, 'tiny.jsonl');
spawnSync('tcpdump', ['-r', PCAP, '-c', '200', '-w', tiny], { stdio: 'ignore' });
cpu(process.execPath, [CLIS.new, 'capture', '--read', tiny, '--port', PORT, '--out', jsonl]);
const srv = await server(process.execPath);
try {
  const rows = (node) => [
    ['node -e 0', [node, ['-e', '0']]],
    ...Object.entries(CLIS).flatMap(([tag, cli]) => [
      [`${tag} --version`, [node, [cli, '--version']]],
      [`${tag} capture --help`, [node, [cli, 'capture', '--help']]],
      [`${tag} capture tiny`, [node, [cli, 'capture', '--read', tiny, '--out', join(dir, 'x.jsonl')]]],
      [`${tag} cat tiny.pcap`, [node, [cli, 'cat', tiny]]],
      [`${tag} convert tiny.pcap x.har`, [node, [cli, 'convert', tiny, join(dir, 'x.har')]]],
      [`${tag} replay tiny.jsonl --speed 0`, [node, [cli, 'replay', jsonl, '--target', srv.url, '--speed', '0', '--quiet']]],
    ]),
    ['autocannon -a 44 -c 10', [node, [AUTOCANNON, '-a', '44', '-c', '10', srv.url]]],
  ].filter(([name]) => !ONLY || name.startsWith('node') || ONLY.some((o) => name.includes(o)));
  for (const node of NODES) {
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const list = rows(node);
    const times = new Map(list.map(([name]) => [name, []]));
    for (let i = 0; i < ROUNDS; i++) for (const [name, [cmd, args]] of list) times.get(name).push(cpu(cmd, args));
    const bare = median(times.get('node -e 0'));
    console.log(`\nnode ${version}: CPU seconds (user+sys), median of ${ROUNDS}; +node: above node -e 0`);
    for (const [name, xs] of times) console.log(`  ${name.padEnd(36)} ${median(xs).toFixed(3)}  (+node ${(median(xs) - bare).toFixed(3)})  runs ${xs.map((x) => x.toFixed(3)).join(' ')}`);
  }
} finally {
  srv.stop();
  rmSync(dir, { recursive: true, force: true });
}
