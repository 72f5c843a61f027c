// Where `cat` spends its CPU on a capture, per exchange, in one process after start-up (medians of
// CAT_BENCH_RUNS interleaved rounds, default 5): the pcap read, reassembled and parsed in summary mode (what
// tsv reads; bench/capture-stages.mjs splits that further); + the redaction stage; the whole pump to each
// listing on /dev/null. The
// command's own start-up is `cat` of an empty capture. Needs a capture: the plain one of bench/_pcaps.mjs
// (bench/capture.mjs records it, or CAPTURE_BENCH_PCAP=file.pcap:port); `npm run build` first.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPcaps } from './_pcaps.mjs';

const file = benchPcaps()[0]?.file;
const RUNS = Math.max(3, Number(process.env.CAT_BENCH_RUNS ?? 5));
if (!file) {
  console.log('cat-stages: skipped (no capture: run bench/capture.mjs first, or set CAPTURE_BENCH_PCAP=file.pcap:port)');
  process.exit(0);
}
const dist = new URL('../dist/', import.meta.url);
const { exchangeBatchesFromPcapFile } = await import(new URL('capture/input-file.js', dist).href);
const { redactionStage } = await import(new URL('stages/redaction.js', dist).href);
const { pump } = await import(new URL('io/pump.js', dist).href);
const { openSink, openSource } = await import(new URL('io/registry.js', dist).href);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let exchanges = 0;
for await (const b of exchangeBatchesFromPcapFile(file, { summary: true })) exchanges += b.length;
const policy = { enabled: true };
const listing = (kind) => async () => {
  const out = createWriteStream('/dev/null');
  const source = await openSource(file, { summary: kind === 'tsv' });
  await pump({ source, redaction: policy, sinks: [await openSink('-', { kind, redaction: policy, stdout: out })] });
  await new Promise((r) => out.end(r));
};
const cuts = {
  'capture, summary parse': async () => {
    for await (const _ of exchangeBatchesFromPcapFile(file, { summary: true }));
  },
  '+ redaction stage': async () => {
    const r = redactionStage(policy);
    for await (const b of exchangeBatchesFromPcapFile(file, { summary: true })) r.apply(b);
  },
  'pump → tsv': listing('tsv'),
  'pump → json': listing('json'),
  'pump → har-listing': listing('har-listing'),
};
const results = Object.fromEntries(Object.keys(cuts).map((k) => [k, []]));
for (let round = 0; round < RUNS; round++) {
  for (const [name, run] of Object.entries(cuts)) {
    const t = process.cpuUsage();
    await run();
    const c = process.cpuUsage(t);
    results[name].push((c.user + c.system) / exchanges);
  }
}
const dir = mkdtempSync(join(tmpdir(), 'shadowtap-cat-stages-'));
const empty = join(dir, 'empty.pcap');
writeFileSync(empty, Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex')); // a classic pcap header, no packet
const startUp = [];
for (let round = 0; round < RUNS; round++) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, new URL('cli/main.js', dist).pathname, 'cat', empty], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cat of an empty capture exited with ${r.status}: ${r.stderr}`);
  startUp.push(r.stderr.trim().split('\n').pop().split(' ').map(Number).reduce((a, b) => a + b, 0));
}
rmSync(dir, { recursive: true, force: true });
console.log(`${file}: ${exchanges} exchanges; medians of ${RUNS}, in-process (JIT warm after the first round)`);
for (const [name, rs] of Object.entries(results)) console.log(`${name.padEnd(22)} ${median(rs).toFixed(2)} µs CPU/exchange`);
console.log(`${'cat start-up'.padEnd(22)} ${(median(startUp) * 1000).toFixed(0)} ms CPU (an empty capture)`);
