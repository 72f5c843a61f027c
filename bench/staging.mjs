// Cost of the staging stage (src/replay/staging) on the engine's request path: the same `--speed 0`
// schedule of N requests to one local node server, without a stage, with the stage every replay has
// (nothing configured), and with a credential map and session jars; alternated ROUNDS times in one
// run, ratios of median wall times against the run without a stage. The machine is shared: the load
// average is printed with the numbers.
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { runLoad } from '../dist/replay/engine.js';
import { buildStaging } from '../dist/replay/staging/build.js';

const N = Number(process.env.STAGING_BENCH_N ?? 30_000);
const ROUNDS = Number(process.env.STAGING_BENCH_ROUNDS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = createServer((_q, s) => s.end('{}'));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}`;
const headers = [{ name: 'Authorization', value: 'Bearer redacted:0123456789abcdef' }, { name: 'Cookie', value: 'sid=redacted:fedcba9876543210' }];
const schedule = () => Array.from({ length: N }, (_, i) => ({ intendedUs: 0, method: 'GET', target: `/items/${i}`, headers, id: `r${i}`, recorded: { connection: { clientIp: `10.0.${(i >> 8) & 255}.${i & 255}` } } }));
const variants = {
  'no stage': async () => undefined,
  'stage, nothing configured': () => buildStaging([url], [undefined], {}),
  'credential map + sessions': () => buildStaging([url], [{ config: { credentials: { map: { 'redacted:0123456789abcdef': 'staging-token' } } }, baseDir: process.cwd(), where: 'bench' }], {}),
};
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, make] of Object.entries(variants)) {
    const stage = await make();
    const t0 = performance.now();
    await runLoad({ schedule: schedule(), targets: [{ url, connections: 10 }], pace: 'max', warmUp: false, ...(stage ? { stage } : {}) });
    times[name].push(performance.now() - t0);
  }
}
server.close();
const base = median(times['no stage']);
console.log(`staging stage, ${N} requests at --speed 0, median of ${ROUNDS} (load ${loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
for (const [name, ts] of Object.entries(times)) console.log(`  ${name.padEnd(28)} ${Math.round(median(ts))} ms  (${(N / (median(ts) / 1000)).toFixed(0)} req/s, ${(median(ts) / base).toFixed(2)}× no stage)`);
