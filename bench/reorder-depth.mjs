// How far a capture reorders the two directions of its connections: for every acknowledgement of bytes
// not yet seen, how many later packets of that connection and how much capture time pass until the
// bytes show up (or never: a loss). This is what the reassembly's hole window (HOLE_WINDOW_PACKETS,
// HOLE_WINDOW_US in src/capture/tcp/ack-evidence.ts) must outlast. Usage (after npm run build):
//   node bench/reorder-depth.mjs capture.pcap[.gz]
import { fileChunks } from '../dist/capture/pcap/file-chunks.js';
import { readPackets } from '../dist/capture/pcap/reader.js';
import { decodeSegment } from '../dist/capture/decode/ip-tcp.js';
import { newSegment, Skip } from '../dist/capture/decode/segment.js';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench/reorder-depth.mjs <capture>');
const seg = newSegment();
const diff = (a, b) => (a - b) | 0;
const halves = new Map(); // "src>dst" → { high, waiting: [{ ack, n, ts }] }
const flowPackets = new Map(); // connection → packets seen
const depths = []; // [packets, µs] per hole that filled
let holes = 0;
let acks = 0;
const endpoint = (buf, at, port) => `${buf.toString('hex', at, at + (seg.family === 4 ? 4 : 16))}:${port}`;
const onPacket = (pkt) => {
  if (decodeSegment(pkt, seg) !== Skip.None) return;
  const src = endpoint(pkt.buf, seg.srcAt, seg.srcPort);
  const dst = endpoint(pkt.buf, seg.dstAt, seg.dstPort);
  const conn = src < dst ? `${src}|${dst}` : `${dst}|${src}`;
  const n = (flowPackets.get(conn) ?? 0) + 1;
  flowPackets.set(conn, n);
  const mine = halves.get(`${src}>${dst}`) ?? { high: undefined, waiting: [] };
  halves.set(`${src}>${dst}`, mine);
  const end = (seg.seq + seg.payLen + (seg.flags & 3 ? 1 : 0)) >>> 0; // SYN and FIN take a sequence number
  if (mine.high === undefined || diff(end, mine.high) > 0) mine.high = end;
  while (mine.waiting.length > 0 && diff(mine.waiting[0].ack, mine.high) <= 0) {
    const w = mine.waiting.shift();
    depths.push([n - w.n, pkt.tsUs - w.ts]);
  }
  const peer = halves.get(`${dst}>${src}`);
  if (seg.flags & 0x10 && peer?.high !== undefined) {
    acks++;
    const last = peer.waiting.at(-1)?.ack ?? peer.high;
    if (diff(seg.ack, last) > 0) {
      holes++;
      peer.waiting.push({ ack: seg.ack, n, ts: pkt.tsUs });
    }
  }
};
for await (const _ of readPackets(fileChunks(file, 1 << 17), file, onPacket));
const lost = [...halves.values()].reduce((a, h) => a + h.waiting.length, 0);
const pct = (xs, p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] : 0);
const pk = depths.map((d) => d[0]).sort((a, b) => a - b);
const us = depths.map((d) => d[1]).sort((a, b) => a - b);
console.log(`acks ${acks}, early acks ${holes} (filled later ${depths.length}, never filled ${lost})`);
console.log(`packets of the connection until filled: p50 ${pct(pk, 0.5)} p99 ${pct(pk, 0.99)} max ${pk.at(-1) ?? 0}`);
console.log(`capture time until filled (µs): p50 ${pct(us, 0.5)} p99 ${pct(us, 0.99)} max ${us.at(-1) ?? 0}`);
