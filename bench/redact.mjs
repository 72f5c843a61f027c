// The redaction stage's cost on paths without secrets, in-process (CPU µs, medians of 7 rounds):
//   node bench/redact.mjs [capture.pcap]   (after npm run build; by default each capture of bench/_pcaps.mjs:
//   the plain and the varied one bench/capture.mjs recorded)
// - every exchange of the capture;
// - a 1.8 KB JSON API answer without secret fields (the body pass of the stage);
// - a replayed 300-byte text/html answer (what replay's comparison passes through the stage).
// BASELINE=path/to/other/dist/capture/redact.js also times that createRedactor on the capture (a before/after).
import { join } from 'node:path';
import { benchPcaps } from './_pcaps.mjs';

const dist = new URL('../dist/', import.meta.url).pathname;
const { exchangesFromPcapFile } = await import(join(dist, 'capture/input-file.js'));
const { createRedactor, createResponseRedactor } = await import(join(dist, 'stages/redact/index.js'));
const keyBytes = Buffer.from('bench key 0123456789abcdefghijkl');
const key = { bytes: keyBytes, source: 'bench' };

function median(fn, items) {
  const ts = [];
  for (let round = 0; round < 7; round++) {
    const t0 = process.cpuUsage();
    for (const x of items) fn(x);
    const t = process.cpuUsage(t0);
    ts.push((t.user + t.system) / items.length);
  }
  return ts.sort((a, b) => a - b)[3];
}

const pcaps = process.argv[2] ? [process.argv[2]] : benchPcaps().map((p) => p.file);
if (!pcaps.length) {
  console.log('redact: skipped (no capture: run bench/capture.mjs first, or give a pcap)');
  process.exit(0);
}
for (const pcap of pcaps) {
  const exchanges = [];
  for await (const ex of exchangesFromPcapFile(pcap, {})) exchanges.push(ex);
  const stage = createRedactor({ enabled: true, key });
  console.log(`capture ${pcap}: ${exchanges.length} exchanges, ${exchanges.filter((ex) => stage(ex) === ex).length} with nothing to redact`);
  console.log(`  stage: ${median(stage, exchanges).toFixed(3)} µs per exchange`);
  if (process.env.BASELINE) {
    const base = (await import(process.env.BASELINE)).createRedactor({ enabled: true, key: keyBytes });
    console.log(`  baseline ${process.env.BASELINE}: ${median(base, exchanges).toFixed(3)} µs per exchange`);
  }
}
const stage = createRedactor({ enabled: true, key });

const doc = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item ${i}`, price: i * 1.5, tags: ['a', 'b'], createdAt: '2026-12-04T00:00:00Z' })) });
const api = Array.from({ length: 20_000 }, () => ({
  id: '1',
  timing: { requestStartUs: 1, requestEndUs: 1 },
  request: { method: 'GET', target: '/api/items?page=2', httpVersion: 'HTTP/1.1', headers: [{ name: 'Host', value: 'a' }] },
  response: { status: 200, reason: 'OK', httpVersion: 'HTTP/1.1', headers: [{ name: 'Content-Type', value: 'application/json' }], body: { text: doc.slice(), size: doc.length, truncated: false } },
}));
console.log(`JSON answer of ${doc.length} bytes: ${median(stage, api).toFixed(3)} µs per exchange`);

const html = Buffer.alloc(300, 'x');
const answers = Array.from({ length: 50_000 }, () => ({ status: 200, headers: [{ name: 'Server', value: 'nginx' }, { name: 'Content-Type', value: 'text/html' }, { name: 'Content-Length', value: '300' }], body: html }));
console.log(`replayed text/html answer: ${median(createResponseRedactor({ enabled: true, key }), answers).toFixed(3)} µs per answer`);
