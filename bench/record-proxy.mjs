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
      if (m) resolve({ p, m });
    };
    p.stdout.on('data', on);
    p.stderr.on('data', on);
    p.on('exit', (code) => reject(new Error(`exited ${code}: ${text}`)));
  });
}

const upstream = await child(['-e', `require('http').createServer((q,r)=>{q.resume();q.on('end',()=>r.end('x'.repeat(512)))}).listen(0,'127.0.0.1',function(){console.log('port '+this.address().port)})`], /port (\d+)/);
const direct = `http://127.0.0.1:${upstream.m[1]}`;
const startProxy = (cli) => child([cli, 'record', '--listen', '127.0.0.1:0', '--upstream', direct, '--out', join(out, `${proxies.length}.jsonl.gz`)], /listening on (http:\/\/\S+)/);
// COMPARE_CLI=path/to/other/dist/cli/main.js also measures another build in the same runs (before/after).
const proxies = [];
proxies.push({ name: 'proxy', ...(await startProxy(join(here, '..', 'dist', 'cli', 'main.js'))) });
if (process.env.COMPARE_CLI) proxies.push({ name: 'compare', ...(await startProxy(process.env.COMPARE_CLI)) });
const proxy = proxies[0];
const via = proxy.m[1];
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
  for (let r = 0; r < ROUNDS; r++) {
    const s = await run(5000);
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
  }

  const rps = { direct: [], proxy: [] };
  const cpu = { upstream: [], proxy: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, url] of [['direct', direct], ['proxy', via]]) {
      const u0 = cpuMs(upstream.p.pid);
      const p0 = cpuMs(proxy.p.pid);
      const res = await autocannon({ url: `${url}/max`, connections: 16, duration: 4 });
      rps[name].push(res.requests.average);
      if (name === 'proxy') {
        cpu.upstream.push(((cpuMs(upstream.p.pid) - u0) / res.requests.total) * 1000);
        cpu.proxy.push(((cpuMs(proxy.p.pid) - p0) / res.requests.total) * 1000);
      }
    }
  }
  console.log(`CPU per 1,000 requests through the proxy (median): proxy ${median(cpu.proxy).toFixed(1)} ms, upstream server ${median(cpu.upstream).toFixed(1)} ms (ratio ${(median(cpu.proxy) / median(cpu.upstream)).toFixed(1)})`);
  const ratio = median(rps.proxy) / median(rps.direct);
  console.log(`max req/s (autocannon, 16 connections, median of ${ROUNDS}): direct ${Math.round(median(rps.direct))}, proxy ${Math.round(median(rps.proxy))} (ratio ${ratio.toFixed(2)})`);
} finally {
  for (const p of proxies) {
    p.p.kill('SIGTERM');
    await new Promise((r) => p.p.once('exit', r));
  }
  upstream.p.kill();
  rmSync(out, { recursive: true, force: true });
}
