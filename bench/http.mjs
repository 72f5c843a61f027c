// HTTP layer bench: the shadowtap HTTP sink (parse both directions, pair, build exchanges) against
// Node's own C parser (llhttp, via the internal binding Node's http module uses), fed the same
// bytes in the same run. Prints medians of CPU time and the ratio. Peer does less work (no pairing,
// no exchange objects, no body decoding), so a ratio near 1 means the JS parser is not the bottleneck.
import { createHttpSink } from '../dist/capture/http/index.js';
import { newCaptureStats } from '../dist/capture/tcp/stream-sink.js';

const ROUNDS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = (fn) => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

const REQ = Buffer.from('GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n\r\n');
const small = Buffer.from('HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 23 Nov 2026 06:00:00 GMT\r\nContent-Type: text/html\r\nContent-Length: 300\r\nConnection: keep-alive\r\n\r\n' + 'x'.repeat(300));
const big = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n'), ...Array.from({ length: 16 }, () => Buffer.from(`1000\r\n${'y'.repeat(4096)}\r\n`)), Buffer.from('0\r\n\r\n')]);

/** Per-connection streams, sliced as packets would carry them (one message per segment, or MSS slices). */
function workload(res, n, mss) {
  const slices = (b) => {
    if (!mss) return [b];
    const out = [];
    for (let i = 0; i < b.length; i += mss) out.push(b.subarray(i, i + mss));
    return out;
  };
  return { n, req: slices(REQ), res: slices(res), bytes: n * (REQ.length + res.length) };
}

function runShadowtap(w) {
  const stats = newCaptureStats();
  let got = 0;
  let sink;
  for (let i = 0; i < w.n; i++) {
    if (i % 1000 === 0) {
      sink?.end('fin', i);
      sink = createHttpSink({ id: String(i), connection: { clientIp: '127.0.0.1', clientPort: 40000, serverIp: '127.0.0.1', serverPort: 80 } }, { maxBodyBytes: 1 << 20, stats }, () => got++);
    }
    for (const s of w.req) sink.data('request', s, 0, s.length, i);
    for (const s of w.res) sink.data('response', s, 0, s.length, i);
  }
  sink.end('fin', w.n);
  if (got !== w.n) throw new Error(`shadowtap: ${got} exchanges, expected ${w.n}`);
}

function runLlhttp(w) {
  const { HTTPParser } = process.binding('http_parser');
  let got = 0;
  const make = (type) => {
    const p = new HTTPParser();
    p.initialize(type, {}, 0, 0);
    p[HTTPParser.kOnHeadersComplete] = (_maj, _min, headers, _method, url, status) => {
      if (type === HTTPParser.REQUEST) got++;
      return { headers, url, status };
    };
    p[HTTPParser.kOnBody] = () => {};
    p[HTTPParser.kOnMessageComplete] = () => {};
    return p;
  };
  let q, r;
  for (let i = 0; i < w.n; i++) {
    if (i % 1000 === 0) [q, r] = [make(HTTPParser.REQUEST), make(HTTPParser.RESPONSE)];
    for (const s of w.req) q.execute(s);
    for (const s of w.res) r.execute(s);
  }
  if (got !== w.n) throw new Error(`llhttp: ${got} requests, expected ${w.n}`);
}

process.removeAllListeners('warning'); // process.binding is deprecated; the peer needs it anyway
const cases = [
  ['wrk-like: 300 B responses, one message per segment', workload(small, 200_000, 0)],
  ['64 KiB chunked responses in 1448 B segments', workload(big, 5_000, 1448)],
];
console.log('# HTTP layer: shadowtap sink vs llhttp (CPU ms, median of ' + ROUNDS + ')');
for (const [name, w] of cases) {
  const ours = [];
  const peer = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(cpuMs(() => runShadowtap(w)));
    peer.push(cpuMs(() => runLlhttp(w)));
  }
  const [o, p] = [median(ours), median(peer)];
  const mbs = (ms) => (w.bytes / 1e6 / (ms / 1000)).toFixed(0);
  console.log(`${name}: shadowtap ${o.toFixed(0)} ms (${mbs(o)} MB/s, ${((w.n / o) * 1000 / 1e6).toFixed(2)} M exchanges/s); llhttp ${p.toFixed(0)} ms (${mbs(p)} MB/s); shadowtap speed = ${(p / o).toFixed(2)}× llhttp's`);
}
