// ELB drain verification, measured with real processes: 3 sample-service targets and the local ELB
// (endpoint + round-robin LB) each in their own process, the load generator and the drain in this one.
// Prints: LB overhead (p50/p99 through the LB vs direct, same rate, same run), and for graceful vs
// abrupt cycles at 200 req/s the failed requests, the failure window and the cycle time (medians of RUNS).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { drainUnderLoad } from '../dist/aws/drain-load.js';
import { runLoad } from '../dist/replay/engine.js';
import { rateSchedule } from '../dist/replay/schedule/rate.js';

const RUNS = Number(process.env.RUNS ?? 3);
const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const CREDS = { accessKeyId: 'AKIALOCALTEST', secretAccessKey: 'local-secret' };
const children = new Set();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function start(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  return { child, line };
}

const targets = [];
const startTarget = async (i) => (targets[i].proc = (await start(['sample-service', '--port', String(targets[i].port), '--threads', '64'])).child);
async function killTarget(i) {
  const p = targets[i].proc;
  p.kill('SIGKILL');
  if (p.exitCode === null) await once(p, 'exit');
}

const dir = mkdtempSync(join(tmpdir(), 'shadowtap-bench-aws-'));
try {
  for (let i = 0; i < 3; i++) {
    targets.push({ port: await freePort() });
    await startTarget(i);
  }
  const cfg = join(dir, 'elb.json');
  writeFileSync(cfg, JSON.stringify({ targetGroups: [{ name: 'web', loadBalancer: 'web-lb', healthCheckIntervalMs: 200, healthCheckTimeoutMs: 150, deregistrationDelayMs: 1000,
    targets: targets.map((t) => ({ id: '127.0.0.1', port: t.port })) }] }));
  const { line } = await start(['local-elb', '--config', cfg]);
  const { endpointUrl, loadBalancers } = JSON.parse(line);
  const lb = loadBalancers['web-lb'];
  // Restarts/crashes a target on request: the drain's user command reaches it with node -e fetch(…).
  const control = http.createServer(async (req, res) => {
    const [, action, i] = req.url.split('/');
    await killTarget(Number(i));
    if (action === 'crash') await new Promise((r) => setTimeout(r, 800));
    await startTarget(Number(i));
    res.end('ok');
  });
  await new Promise((r) => control.listen(0, '127.0.0.1', r));
  const ctl = `http://127.0.0.1:${control.address().port}`;
  await new Promise((r) => setTimeout(r, 1000));

  const load = async (url) => (await runLoad({ schedule: rateSchedule({ rate: 200, durationMs: 5000, make: (i) => ({ id: String(i), method: 'GET', target: '/render', headers: [] }) }), targets: [{ url, connections: 32 }] })).targets[0].latency;
  const direct = [], via = [];
  for (let r = 0; r < RUNS; r++) {
    direct.push(await load(`http://127.0.0.1:${targets[0].port}`));
    via.push(await load(lb));
  }
  const d50 = median(direct.map((l) => l.p50)), v50 = median(via.map((l) => l.p50)), d99 = median(direct.map((l) => l.p99)), v99 = median(via.map((l) => l.p99));
  console.log(`LB overhead at 200 req/s /render (median of ${RUNS}×5 s): p50 direct ${d50} ms, via LB ${v50} ms (×${(v50 / d50).toFixed(2)}); p99 direct ${d99} ms, via LB ${v99} ms`);

  const post = "fetch(process.argv[1], { method: 'POST' }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))";
  for (const mode of ['graceful', 'abrupt']) {
    const rows = [];
    for (let r = 0; r < RUNS; r++) {
      const i = r % 3;
      const res = await drainUnderLoad({
        url: lb, rate: 200, path: '/render', beforeMs: 1000, afterMs: 1000, targetGroup: 'web', target: `127.0.0.1:${targets[i].port}`, mode,
        command: ['node', '-e', post, `${ctl}/${mode === 'abrupt' ? 'crash' : 'restart'}/${i}`],
        waiter: { minDelayMs: 200, maxDelayMs: 400, maxWaitMs: 30_000 }, pollMs: 100, aws: { endpointUrl, region: 'us-east-1', credentials: CREDS },
      });
      if (res.cycle.error) throw res.cycle.error;
      rows.push({ failed: res.failures.count, requests: res.requests, windowMs: res.failures.count ? res.failures.lastAtMs - res.failures.firstAtMs : 0, cycleMs: res.cycle.endedAt - res.cycle.startedAt });
    }
    console.log(`${mode.padEnd(8)} drain at 200 req/s (${RUNS} runs): failed requests ${rows.map((x) => `${x.failed}/${x.requests}`).join(', ')}; median failure window ${median(rows.map((x) => x.windowMs))} ms; median cycle ${median(rows.map((x) => x.cycleMs))} ms`);
  }
  control.close();
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
