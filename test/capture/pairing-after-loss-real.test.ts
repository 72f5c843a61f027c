// A real keep-alive capture (curl asking a node server for one path after another on one connection),
// then the capture loses two whole responses and one whole request, as tcpdump drops packets on a busy
// machine: every response must still sit under its own request (the server echoes the path), through one
// thread and through the reader thread alike. HTTP/1.x order alone would shift every later pair by one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeSegment } from '../../src/capture/decode/ip-tcp.js';
import { newSegment, Skip } from '../../src/capture/decode/segment.js';
import { classicPcap, type Rec } from '../helpers/capture-packets.js';
import { readRecords } from '../helpers/capture-rewrite.js';
import { recordOnLo, run, shadowtap, startNodeServer } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-loss-');
const original = join(dir, 'original.pcap');
const lossy = join(dir, 'lossy.pcap');
const PATHS = Array.from({ length: 16 }, (_, i) => `/k/${i + 1}`);
let server: Awaited<ReturnType<typeof startNodeServer>>;
let dropped = 0;

beforeAll(async () => {
  server = await startNodeServer();
  const u = `http://127.0.0.1:${server.port}`;
  await recordOnLo(original, server.port, () => run('curl', ['-s', ...PATHS.map((p) => `${u}${p}`)]));
  const { recs, linkType } = await readRecords(original);
  const seg = newSegment();
  const payload = (r: Rec): string => {
    const skip = decodeSegment({ linkType, tsUs: r.tsUs, buf: r.data, start: 0, end: r.data.length, origLen: r.data.length, iface: 0 }, seg);
    return skip === Skip.None ? r.data.toString('latin1', seg.payStart, seg.payEnd) : '';
  };
  // The answers to /k/5 and /k/9 (the server's segments naming them) and the request for /k/12.
  const lost = (r: Rec): boolean => {
    const p = payload(r);
    return /GET \/k\/(5|9) 0\n/.test(p) || p.startsWith('GET /k/12 ');
  };
  const kept = recs.filter((r) => !lost(r));
  dropped = recs.length - kept.length;
  writeFileSync(lossy, classicPcap(kept, { linkType }));
}, 60_000);
afterAll(() => server?.close());

interface Listed {
  request: { target: string };
  response?: { body?: { text?: string } };
  flags?: string[];
}

async function listed(threads: '1' | '2'): Promise<Listed[]> {
  const r = await shadowtap(['cat', lossy, '--format', 'json', '--threads', threads]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Listed);
}

it('the whole capture pairs every request with its own answer', async () => {
  const r = await shadowtap(['cat', original, '--format', 'json']);
  const got = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Listed);
  expect(got.map((e) => `${e.request.target}→${e.response?.body?.text?.trim()}`)).toEqual(PATHS.map((p) => `${p}→GET ${p} 0`));
});

it.each(['1', '2'] as const)('losing two responses and a request shifts no pair (--threads %s)', async (threads) => {
  expect(dropped).toBeGreaterThanOrEqual(3);
  const got = await listed(threads);
  // /k/12 was never seen; /k/5 and /k/9 have no answer; every answer given is the request's own.
  expect(got.map((e) => e.request.target)).toEqual(PATHS.filter((p) => p !== '/k/12'));
  for (const e of got) if (e.response) expect(e.response.body?.text?.trim()).toBe(`GET ${e.request.target} 0`);
  expect(got.filter((e) => !e.response).map((e) => e.request.target)).toEqual(['/k/5', '/k/9']);
  // Flagged: the exchanges the losses touched, and none after them.
  expect(got.filter((e) => e.flags?.includes('gap')).map((e) => e.request.target)).toEqual(['/k/5', '/k/6', '/k/9', '/k/10', '/k/13']);
});
