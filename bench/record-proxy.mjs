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
const proxy = await child([join(here, '..', 'dist', 'cli', 'main.js'), 'record', '--listen', '127.0.0.1:0', '--upstream', direct, '--out', join(out, 'bench.jsonl.gz')], /listening on (http:\/\/\S+)/);
const via = proxy.m[1];

try {
  const lat = { direct: { p50: [], p99: [] }, proxy: { p50: [], p99: [] } };
  for (let r = 0; r < ROUNDS; r++) {
    const s = await runLoad({
      schedule: rateSchedule({ rate: 1000, durationMs: 5000, make: (i) => ({ method: 'GET', target: `/item/${i}`, headers: [], id: String(i) }) }),
      targets: [{ url: direct, connections: 64 }, { url: via, connections: 64 }],
    });
    const [d, p] = s.targets;
    lat.direct.p50.push(d.latency.p50);
    lat.direct.p99.push(d.latency.p99);
    lat.proxy.p50.push(p.latency.p50);
    lat.proxy.p99.push(p.latency.p99);
    console.log(`round ${r + 1}: direct p50 ${d.latency.p50.toFixed(3)} p99 ${d.latency.p99.toFixed(3)} ms | proxy p50 ${p.latency.p50.toFixed(3)} p99 ${p.latency.p99.toFixed(3)} ms | valid ${s.validity.valid}`);
  }
  const added50 = median(lat.proxy.p50) - median(lat.direct.p50);
  const added99 = median(lat.proxy.p99) - median(lat.direct.p99);
  console.log(`latency @1000 req/s (median of ${ROUNDS}): direct p50 ${median(lat.direct.p50).toFixed(3)} p99 ${median(lat.direct.p99).toFixed(3)} ms; proxy p50 ${median(lat.proxy.p50).toFixed(3)} p99 ${median(lat.proxy.p99).toFixed(3)} ms`);
  console.log(`added by the recording proxy: p50 ${added50.toFixed(3)} ms, p99 ${added99.toFixed(3)} ms (target <= 1 ms at p99: ${added99 <= 1 ? 'met' : 'NOT met'})`);

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
  proxy.p.kill('SIGTERM');
  await new Promise((r) => proxy.p.once('exit', r));
  upstream.p.kill();
  rmSync(out, { recursive: true, force: true });
}
