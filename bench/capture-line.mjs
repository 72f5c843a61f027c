// The capture line's cost in-process (CPU µs per exchange): the redaction stage, then writeHarEntry into
// LineBytes, on
// - the exchanges of a pcap (e.g. the wrk+nginx one bench/capture.mjs records: one URL, one response), and
// - generated varied traffic: URLs, query strings, header values, bodies, times and connections that do
//   not repeat the way wrk's do, and header objects that are not shared, so a memo that only pays on
//   identical requests shows up as a cost here.
// Usage: npm run build && node bench/capture-line.mjs [file.pcap] (default: the plain capture of bench/_pcaps.mjs)
// BASELINE=other/dist (e.g. main's) times that build too, its rounds interleaved with this one's in the same
// process (a before/after on a machine shared with other work: load falls on both alike). Medians (and the
// least) of LINE_BENCH_ROUNDS rounds; LINE_BENCH_ONLY=pcap|varied, LINE_BENCH_PART=serialize|redact narrow it.
import { join, resolve } from 'node:path';
import { benchPcaps } from './_pcaps.mjs';

const pcap = process.argv[2] ?? benchPcaps()[0]?.file;
const ROUNDS = Math.max(3, Number(process.env.LINE_BENCH_ROUNDS ?? 7));
const ONLY = process.env.LINE_BENCH_ONLY;
const PART = process.env.LINE_BENCH_PART;
const VARIED = Number(process.env.LINE_BENCH_VARIED ?? 50_000);
const builds = [['this', resolve(new URL('../dist/', import.meta.url).pathname)]];
if (process.env.BASELINE) builds.push(['baseline', resolve(process.env.BASELINE)]);

async function load([name, dist]) {
  const m = async (p) => import(join(dist, p));
  const { redactionStage } = await m('stages/redaction.js');
  const { writeHarEntry } = await m('formats/har-line.js');
  const { LineBytes } = await m('formats/line-bytes.js');
  const lines = new LineBytes();
  const key = { bytes: Buffer.from('bench key 0123456789abcdefghijkl'), source: 'bench' };
  return {
    name,
    stage: () => redactionStage({ enabled: true, key }),
    serialize(batch) {
      for (let i = 0; i < batch.length; i++) {
        writeHarEntry(batch[i], lines);
        lines.endLine();
        // As the writer hands out lines every 64 KiB; nothing is written, so the buffers are free again at once.
        if (lines.pending >= 65536) {
          lines.take();
          lines.reuse(lines.retired());
        }
      }
    },
  };
}
const impls = await Promise.all(builds.map(load));
const { makeBody } = await import(join(builds[0][1], 'body.js'));

// The schedule's seeded generator (mulberry32): the same varied traffic in every process.
const { seededRandom: rng } = await import(join(builds[0][1], 'replay/schedule/times.js'));

function varied(n) {
  const r = rng(15);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const word = (len) => Array.from({ length: len }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join('');
  const agents = Array.from({ length: 40 }, (_, i) => `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.${i} (KHTML, like Gecko) Chrome/${100 + i}.0 Safari/537.36`);
  const types = ['application/json', 'text/html; charset=utf-8', 'text/plain', 'application/javascript', 'image/png'];
  const connections = Array.from({ length: 500 }, (_, i) => ({ clientIp: `10.1.${i >> 8}.${i & 255}`, clientPort: 30000 + i, serverIp: '10.0.0.2', serverPort: 8080 }));
  const source = { capture: 'varied.pcap', kind: 'pcap', host: 'bench' };
  let t = 1_796_514_417_000_000;
  const out = [];
  for (let i = 0; i < n; i++) {
    t += Math.floor(r() * 3000);
    const query = r() < 0.4 ? `?page=${Math.floor(r() * 100)}&q=${word(6)}${r() < 0.2 ? '%20x' : ''}` : '';
    const target = `/${word(4)}/${Math.floor(r() * 1e6)}/${word(8)}${query}`;
    const post = r() < 0.2;
    const reqHeaders = [
      { name: 'Host', value: pick(['api.example.test', 'www.example.test', `shard-${Math.floor(r() * 20)}.example.test:8443`]) },
      { name: 'User-Agent', value: pick(agents) },
      { name: 'Accept', value: pick(['*/*', 'application/json', 'text/html,application/xhtml+xml']) },
      { name: 'X-Request-Id', value: `${word(8)}-${word(4)}-${word(12)}` },
    ];
    if (r() < 0.3) reqHeaders.push({ name: 'Referer', value: `https://www.example.test/${word(5)}` });
    if (post) reqHeaders.push({ name: 'Content-Type', value: 'application/json' });
    const type = pick(types);
    const bodyText = type === 'image/png' ? undefined : type === 'application/json' ? JSON.stringify({ id: i, name: word(10), items: Array.from({ length: Math.floor(r() * 8) }, () => ({ k: word(5), v: r() })) }) : `<p>${word(20 + Math.floor(r() * 400))}</p>`;
    const bytes = bodyText === undefined ? Buffer.from(Array.from({ length: 100 + Math.floor(r() * 300) }, () => Math.floor(r() * 256))) : Buffer.from(bodyText);
    const start = t;
    const reqEnd = start + Math.floor(r() * 50);
    const resStart = reqEnd + Math.floor(r() * 5000);
    const resEnd = resStart + Math.floor(r() * 500);
    out.push({
      id: `${1 + (i % 500)}.${1 + Math.floor(i / 500)}`,
      timing: { requestStartUs: start, requestEndUs: reqEnd, responseStartUs: resStart, responseEndUs: resEnd },
      connection: connections[i % connections.length],
      source,
      request: { method: post ? 'POST' : pick(['GET', 'GET', 'GET', 'HEAD', 'DELETE']), target, httpVersion: 'HTTP/1.1', headers: reqHeaders, ...(post ? { body: makeBody(Buffer.from(JSON.stringify({ name: word(12), n: i }))) } : {}) },
      response: {
        status: pick([200, 200, 200, 201, 204, 304, 404, 500]),
        reason: 'OK',
        httpVersion: 'HTTP/1.1',
        headers: [
          { name: 'Server', value: 'nginx/1.22.1' },
          { name: 'Date', value: new Date(start / 1000).toUTCString() },
          { name: 'Content-Type', value: type },
          { name: 'Content-Length', value: String(bytes.length) },
          { name: 'ETag', value: `"${word(8)}-${word(3)}"` },
          { name: 'Connection', value: 'keep-alive' },
        ],
        body: makeBody(bytes),
      },
    });
  }
  return out;
}

/** CPU µs per item of each fn, its rounds interleaved with the others': "median (least)" per fn. */
function timed(fns, items) {
  const ts = fns.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    fns.forEach((fn, k) => {
      const t0 = process.cpuUsage();
      fn(items);
      const t = process.cpuUsage(t0);
      ts[k].push((t.user + t.system) / items.length);
    });
  }
  return ts.map((xs) => {
    xs.sort((a, b) => a - b);
    return `${xs[Math.floor(xs.length / 2)].toFixed(3)} (least ${xs[0].toFixed(3)})`;
  });
}

const sets = [];
if (pcap && ONLY !== 'varied') {
  const { exchangesFromPcapFile } = await import(join(builds[0][1], 'capture/input-file.js'));
  const exs = [];
  for await (const ex of exchangesFromPcapFile(pcap, {})) exs.push(ex);
  sets.push([`pcap ${pcap}`, exs]);
}
if (ONLY !== 'pcap') sets.push(['varied traffic', varied(VARIED)]);
for (const [name, exs] of sets) {
  console.log(`${name}: ${exs.length} exchanges, CPU µs per exchange, median (least) of ${ROUNDS} rounds`);
  const stages = impls.map((i) => i.stage());
  const redact = PART === 'serialize' ? [] : timed(stages.map((st) => (b) => st.apply(b)), exs);
  // Each build serialises what its own stage made (the same exchanges when both redact alike).
  const redacted = stages.map((st) => st.apply(exs));
  const line = PART === 'redact' ? [] : timed(impls.map((i, k) => () => i.serialize(redacted[k])), exs);
  impls.forEach((i, k) => console.log(`  ${i.name.padEnd(8)} redact ${redact[k] ?? '-'}  serialize ${line[k] ?? '-'}`));
}
