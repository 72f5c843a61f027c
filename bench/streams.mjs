// Redis fan-in (issue 16, item 5): exchanges/s into one stream from 3 publisher processes, and from 1 in
// the same run (the ratio says how far one Redis takes more publishers on this machine). Each publisher
// is shadowtap's StreamPublisher fed capture-file lines (~1 KB, as `record --out redis://…` sends them)
// as fast as its bounded queue takes them. A real redis-server (in memory) on a free loopback port.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { StreamPublisher } from '../dist/streams/publisher.js';
import { parseStreamUrl } from '../dist/streams/url.js';
import { toHarEntry } from '../dist/formats/har-entry.js';

const SECONDS = Number(process.env.SECONDS_EACH ?? 3);
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--publisher') {
  // One publisher process: offer while the queue has room, for SECONDS; then report what was published.
  const url = parseStreamUrl(process.argv[3]);
  url.options.maxlen = 1_000_000;
  const p = await StreamPublisher.open(url);
  const line = JSON.stringify(toHarEntry(sample()));
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) {
    for (let i = 0; i < 512 && p.stats().queued < 8000; i++) p.offer(line, 'bench');
    await new Promise((r) => setImmediate(r));
  }
  const before = p.stats().published;
  const s = await p.close(5000);
  process.stdout.write(JSON.stringify({ published: before, afterClose: s.published, dropped: s.droppedQueueFull + s.droppedFailed, bytes: line.length }) + '\n');
  process.exit(0);
}

function sample() {
  const t = Date.now() * 1000;
  const h = (name, value) => ({ name, value });
  return {
    id: '1',
    timing: { requestStartUs: t, requestEndUs: t + 50, responseStartUs: t + 900, responseEndUs: t + 1000 },
    connection: { clientIp: '10.0.0.7', clientPort: 51000, serverIp: '10.0.0.9', serverPort: 8080 },
    request: { method: 'GET', target: '/api/orders/12345?expand=items', httpVersion: 'HTTP/1.1', headers: [h('Host', 'shop.internal'), h('User-Agent', 'Mozilla/5.0 (X11; Linux x86_64)'), h('Accept', 'application/json'), h('X-Request-Id', 'c0ffee00-1234-5678-9abc-def012345678')] },
    response: { status: 200, reason: 'OK', httpVersion: 'HTTP/1.1', headers: [h('Content-Type', 'application/json'), h('Content-Length', '310')], body: { text: JSON.stringify({ id: 12345, items: Array.from({ length: 6 }, (_, i) => ({ sku: `SKU-${i}`, qty: i + 1, price: 9.99 })) }), size: 310, truncated: false } },
    source: { kind: 'proxy', host: 'bench' },
  };
}

async function freePort() {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function round(url, n) {
  const kids = Array.from({ length: n }, () => spawn(process.execPath, [self, '--publisher', url], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SECONDS_EACH: String(SECONDS) } }));
  const outs = await Promise.all(
    kids.map(async (k) => {
      let text = '';
      k.stdout.on('data', (d) => (text += d));
      await once(k, 'close');
      return JSON.parse(text);
    }),
  );
  const published = outs.reduce((a, o) => a + o.published, 0);
  return { perSecond: published / SECONDS, dropped: outs.reduce((a, o) => a + o.dropped, 0), bytes: outs[0].bytes };
}

const port = await freePort();
const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
let log = '';
redis.stdout.on('data', (d) => (log += d));
const deadline = Date.now() + 10_000;
while (!log.includes('Ready to accept connections')) {
  if (Date.now() > deadline) throw new Error('redis-server did not start');
  await new Promise((r) => setTimeout(r, 50));
}
try {
  const one = await round(`redis://127.0.0.1:${port}/bench1`, 1);
  const three = await round(`redis://127.0.0.1:${port}/bench3`, 3);
  console.log(`entry: ${one.bytes} bytes of capture-line JSON; ${SECONDS} s per round; 2 cores shared with redis-server`);
  console.log(`1 publisher : ${Math.round(one.perSecond)} exchanges/s into one stream`);
  console.log(`3 publishers: ${Math.round(three.perSecond)} exchanges/s into one stream (${(three.perSecond / one.perSecond).toFixed(2)}× one publisher, same run)`);
} finally {
  redis.kill('SIGKILL');
  await once(redis, 'exit');
}
