// Where the benches that read a pcap find one: CAPTURE_BENCH_PCAP / CAPTURE_BENCH_VARIED_PCAP
// ("file.pcap:port"), else the captures bench/capture.mjs recorded last (kept in bench/out/capture/, so
// `npm run bench`, which runs capture.mjs first, gives every later bench the same two files).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RECORDED_DIR = new URL('./out/capture/', import.meta.url).pathname;
const LIST = join(RECORDED_DIR, 'pcaps.json');

const parse = (name, spec) => {
  const m = /^(.*):(\d+)$/.exec(spec);
  if (!m) throw new Error(`${name}: expected file.pcap:port, got ${JSON.stringify(spec)}`);
  return { name, file: m[1], port: Number(m[2]) };
};

/** The plain (wrk repeating one request) and varied captures, as far as either is known. */
export function benchPcaps() {
  const env = [];
  if (process.env.CAPTURE_BENCH_PCAP) env.push(parse('plain', process.env.CAPTURE_BENCH_PCAP));
  if (process.env.CAPTURE_BENCH_VARIED_PCAP) env.push(parse('varied', process.env.CAPTURE_BENCH_VARIED_PCAP));
  if (env.length) return env;
  if (!existsSync(LIST)) return [];
  return JSON.parse(readFileSync(LIST, 'utf8')).filter((p) => existsSync(p.file));
}

/** Remembers what capture.mjs recorded, for the benches that run after it. */
export function saveRecorded(list) {
  mkdirSync(RECORDED_DIR, { recursive: true });
  writeFileSync(LIST, `${JSON.stringify(list, null, 1)}\n`);
}
