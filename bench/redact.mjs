// The redaction stage's cost, in-process (CPU µs, medians of 7 rounds):
//   node bench/redact.mjs [capture.pcap]   (after npm run build; by default each capture of bench/_pcaps.mjs:
//   the plain and the varied one bench/capture.mjs recorded)
// - every exchange of the capture: the first pass over its first 10k exchanges in a fresh process (cold:
//   what a capture pays while the stage is compiled; median of 3 processes), then warm rounds over all;
// - a 1.8 KB JSON API answer without secret fields (the body pass of the stage);
// - a replayed 300-byte text/html answer (what replay's comparison passes through the stage).
// REDACT_BENCH_BASELINE=path/to/other/dist (e.g. /work/ref/dist) times that build's stage on the same
// exchanges in the same process, rounds interleaved with this build's, and checks both give equal output.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { benchPcaps } from './_pcaps.mjs';

const dist = new URL('../dist/', import.meta.url).pathname;
const baseDist = process.env.REDACT_BENCH_BASELINE;
const { exchangesFromPcapFile } = await import(join(dist, 'capture/input-file.js'));
const key = { bytes: Buffer.from('bench key 0123456789abcdefghijkl'), source: 'bench' };
const COLD = 10_000;

async function load(pcap, max = Infinity) {
  const exchanges = [];
  for await (const ex of exchangesFromPcapFile(pcap, {})) if (exchanges.push(ex) >= max) break;
  return exchanges;
}

// A child of the cold measure: one build's stage, first use in this process.
if (process.env.REDACT_BENCH_COLD) {
  const [stageDist, pcap] = JSON.parse(process.env.REDACT_BENCH_COLD);
  const exchanges = await load(pcap, COLD);
  const stage = (await import(join(stageDist, 'stages/redact/index.js'))).createRedactor({ enabled: true, key });
  process.stdout.write(String(pass(stage, exchanges)));
  process.exit(0);
}

function cold(stageDist, pcap) {
  const runs = [0, 1, 2].map(() => {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, REDACT_BENCH_COLD: JSON.stringify([stageDist, pcap]) }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return Number(r.stdout);
  });
  return runs.sort((a, b) => a - b)[1];
}
const builds = [{ name: 'this build', dist, m: await import(join(dist, 'stages/redact/index.js')) }];
if (baseDist) builds.push({ name: `baseline ${baseDist}`, dist: baseDist, m: await import(join(baseDist, 'stages/redact/index.js')) });

/** CPU µs per item of one pass of fn over items. */
function pass(fn, items) {
  const t0 = process.cpuUsage();
  for (const x of items) fn(x);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / items.length;
}

/** Medians of 7 rounds per function, the rounds of the functions interleaved (load falls on all alike). */
function medians(fns, items) {
  const ts = fns.map(() => []);
  for (let round = 0; round < 7; round++) fns.forEach((fn, i) => ts[i].push(pass(fn, items)));
  return ts.map((t) => t.sort((a, b) => a - b)[3]);
}

const pcaps = process.argv[2] ? [process.argv[2]] : benchPcaps().map((p) => p.file);
if (!pcaps.length) console.log('redact: skipped (no capture: run bench/capture.mjs first, or give a pcap)');
for (const pcap of pcaps) {
  const exchanges = await load(pcap);
  const stages = builds.map((b) => b.m.createRedactor({ enabled: true, key }));
  const colds = builds.map((b) => cold(b.dist, pcap));
  const outs = stages.map((s) => exchanges.map(s));
  console.log(`capture ${pcap}: ${exchanges.length} exchanges, ${outs[0].filter((r, i) => r === exchanges[i]).length} with nothing to redact`);
  if (outs[1] && !isDeepStrictEqual(outs[0], outs[1])) console.log('  OUTPUTS DIFFER from the baseline');
  const warm = medians(stages, exchanges);
  builds.forEach((b, i) => console.log(`  ${b.name}: cold ${colds[i].toFixed(3)} µs (first ${COLD}), warm ${warm[i].toFixed(3)} µs per exchange`));
}

const doc = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item ${i}`, price: i * 1.5, tags: ['a', 'b'], createdAt: '2026-12-04T00:00:00Z' })) });
const api = Array.from({ length: 20_000 }, () => ({
  id: '1',
  timing: { requestStartUs: 1, requestEndUs: 1 },
  request: { method: 'GET', target: '/api/items?page=2', httpVersion: 'HTTP/1.1', headers: [{ name: 'Host', value: 'a' }] },
  response: { status: 200, reason: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'application/json' }], body: { text: doc.slice(), size: doc.length, truncated: false } },
}));
const html = Buffer.alloc(300, 'x');
const answers = Array.from({ length: 50_000 }, () => ({ status: 200, headers: [{ name: 'Server', value: 'nginx' }, { name: 'Content-Type', value: 'text/html' }, { name: 'Content-Length', value: '300' }], body: html }));
const json = medians(builds.map((b) => b.m.createRedactor({ enabled: true, key })), api);
const replayed = medians(builds.map((b) => b.m.createResponseRedactor({ enabled: true, key })), answers);
builds.forEach((b, i) => console.log(`${b.name}: JSON answer of ${doc.length} bytes ${json[i].toFixed(3)} µs per exchange; replayed text/html answer ${replayed[i].toFixed(3)} µs per answer`));
