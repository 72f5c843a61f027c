// Recording proxy overhead (issue 5 item 1): added latency at a fixed 1,000 req/s, open model, direct and
// through `shadowtap record` in the same runs (the replay engine sends each scheduled request to both),
// and max req/s through the proxy vs direct (autocannon). Upstream, proxy and load run in separate processes.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { runLoad } from '../dist/replay/engine.js';
import { rateSchedule } from '../dist/replay/schedule/rate.js';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out', 'record-proxy');
mkdirSync(out, { recursive: true });
const ROUNDS = Number(process.env.ROUNDS ?? 3);
/** CPU ms (user + system) a process has used so far, from /proc (robust to a busy machine, unlike latency). */
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function child(args, readyRe) {
  const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  return new Promise((resolve, reject) => {
    const on = (c) => {
      text += c;
      const m = text.match(readyRe);
      if (m) resolve({ p, m, text: () => text });
    };
    p.stdout.on('data', on);
    p.stderr.on('data', on);
    p.on('exit', (code) => reject(new Error(`exited ${code}: ${text}`)));
  });
}

const upstream = await child(['-e', `require('http').createServer((q,r)=>{q.resume();q.on('end',()=>r.end('x'.repeat(512)))}).listen(0,'127.0.0.1',function(){console.log('port '+this.address().port)})`], /port (\d+)/);
const direct = `http://127.0.0.1:${upstream.m[1]}`;
// --trace-gc-nvp: one line per GC with its pause and the bytes allocated since the last one.
const startProxy = (cli) =>
  child(['--trace-gc', '--trace-gc-nvp', ...(process.env.PROXY_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.PROXY_PROFILE] : []), cli, 'record', '--listen', '127.0.0.1:0', '--upstream', direct, '--out', join(out, `${proxies.length}.jsonl.gz`)], /listening on (http:\/\/\S+)/);
/** GC lines a proxy printed so far: scavenges (count, pause ms) and bytes allocated. */
const gcOf = (p) => {
  const lines = p.text().split('\n').filter((l) => / gc=(s|mc|ms) /.test(l));
  const field = (l, k) => Number(l.match(new RegExp(` ${k}=([\\d.]+)`))?.[1] ?? 0);
  const scav = lines.filter((l) => / gc=s /.test(l));
  return { scavenges: scav.length, pauseMs: scav.reduce((a, l) => a + field(l, 'pause'), 0), allocated: lines.reduce((a, l) => a + field(l, 'allocated'), 0) };
};
const gcDiff = (a, b) => ({ scavenges: b.scavenges - a.scavenges, pauseMs: b.pauseMs - a.pauseMs, allocated: b.allocated - a.allocated });
// COMPARE_CLI=path/to/other/dist/cli/main.js also measures another build in the same runs (before/after);
// PROXY_PROFILE=dir writes each proxy's CPU profile (node --cpu-prof) there.
const proxies = [];
proxies.push({ name: 'proxy', ...(await startProxy(join(here, '..', 'dist', 'cli', 'main.js'))) });
if (process.env.COMPARE_CLI) proxies.push({ name: 'compare', ...(await startProxy(process.env.COMPARE_CLI)) });
const fmt = (x) => x.toFixed(3);

try {
  const run = (durationMs) =>
    runLoad({
      schedule: rateSchedule({ rate: 1000, durationMs, make: (i) => ({ method: 'GET', target: `/item/${i}`, headers: [], id: String(i) }) }),
      targets: [{ url: direct, connections: 64 }, ...proxies.map((p) => ({ url: p.m[1], connections: 64 }))],
    });
  // Not measured: connection set-up, JIT and the writer's start made the first round's p99 tens of ms.
  await run(2000);
  const names = ['direct', ...proxies.map((p) => p.name)];
  const lat = Object.fromEntries(names.map((n) => [n, { p50: [], p99: [] }]));
  const gcRounds = Object.fromEntries(proxies.map((p) => [p.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const g0 = proxies.map(gcOf);
    const s = await run(5000);
    proxies.forEach((p, i) => gcRounds[p.name].push({ ...gcDiff(g0[i], gcOf(p)), requests: 5000 }));
    s.targets.forEach((t, i) => {
      lat[names[i]].p50.push(t.latency.p50);
      lat[names[i]].p99.push(t.latency.p99);
    });
    console.log(`round ${r + 1}: ${s.targets.map((t, i) => `${names[i]} p50 ${fmt(t.latency.p50)} p99 ${fmt(t.latency.p99)} ms`).join(' | ')} | valid ${s.validity.valid}`);
  }
  console.log(`latency @1000 req/s (median of ${ROUNDS}): ${names.map((n) => `${n} p50 ${fmt(median(lat[n].p50))} p99 ${fmt(median(lat[n].p99))} ms`).join('; ')}`);
  for (const n of names.slice(1)) {
    const added50 = median(lat[n].p50) - median(lat.direct.p50);
    const added99 = median(lat[n].p99) - median(lat.direct.p99);
    // Per-round differences pair each proxy with the direct requests sent at the same moments.
    const paired99 = median(lat[n].p99.map((x, i) => x - lat.direct.p99[i]));
    console.log(`added by ${n === 'proxy' ? 'the recording proxy' : n}: p50 ${fmt(added50)} ms, p99 ${fmt(added99)} ms, per-round p99 median ${fmt(paired99)} ms (target <= 1 ms at p99: ${added99 <= 1 ? 'met' : 'NOT met'})`);
    const g = gcRounds[n];
    const perS = median(g.map((x) => x.scavenges / 5));
    const pause = median(g.map((x) => (x.scavenges ? x.pauseMs / x.scavenges : 0)));
    console.log(`  ${n} GC @1000 req/s (median of ${ROUNDS}): ${median(g.map((x) => x.allocated / x.requests)).toFixed(0)} bytes allocated per request, ${perS.toFixed(2)} scavenges/s, mean scavenge pause ${pause.toFixed(2)} ms`);
  }

  // Max rate through each target in turn (interleaved rounds), and the CPU each proxy used per request.
  const rps = { direct: [], ...Object.fromEntries(proxies.map((p) => [p.name, []])) };
  const cpu = Object.fromEntries(proxies.map((p) => [p.name, { proxy: [], upstream: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, url, p] of [['direct', direct], ...proxies.map((p) => [p.name, p.m[1], p])]) {
      const u0 = cpuMs(upstream.p.pid);
      const p0 = p && cpuMs(p.p.pid);
      const res = await autocannon({ url: `${url}/max`, connections: 16, duration: 4 });
      rps[name].push(res.requests.average);
      if (p) {
        cpu[name].upstream.push(((cpuMs(upstream.p.pid) - u0) / res.requests.total) * 1000);
        cpu[name].proxy.push(((cpuMs(p.p.pid) - p0) / res.requests.total) * 1000);
      }
    }
  }
  for (const p of proxies) {
    const c = cpu[p.name];
    console.log(`CPU per 1,000 requests through ${p.name} (median): proxy ${median(c.proxy).toFixed(1)} ms, upstream server ${median(c.upstream).toFixed(1)} ms (ratio ${(median(c.proxy) / median(c.upstream)).toFixed(1)})`);
  }
  const shown = Object.entries(rps).map(([n, xs]) => `${n} ${Math.round(median(xs))}`).join(', ');
  const ratios = proxies.map((p) => `${p.name} ${(median(rps[p.name]) / median(rps.direct)).toFixed(2)}`).join(', ');
  console.log(`max req/s (autocannon, 16 connections, median of ${ROUNDS}): ${shown} (ratio to direct: ${ratios})`);
} finally {
  for (const p of proxies) {
    p.p.kill('SIGTERM');
    await new Promise((r) => p.p.once('exit', r));
  }
  upstream.p.kill();
  rmSync(out, { recursive: true, force: true });
}
