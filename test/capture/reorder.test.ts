import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeSegment } from '../../src/capture/decode/ip-tcp.js';
import { newSegment, Skip } from '../../src/capture/decode/segment.js';
import { exchangesFromPcapFile } from '../../src/capture/input-file.js';
import type { Exchange } from '../../src/exchange.js';
import { classicPcap, type Rec } from '../helpers/capture-packets.js';
import { dataRuns, readRecords } from '../helpers/capture-rewrite.js';
import { recordOnLo, run, sampleTraffic, startNodeServer } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-reorder-');
const original = join(dir, 'original.pcap');
let server: Awaited<ReturnType<typeof startNodeServer>>;

beforeAll(async () => {
  server = await startNodeServer();
  await recordOnLo(original, server.port, () => sampleTraffic(server.port));
}, 60_000);
afterAll(() => server?.close());

async function exchanges(file: string): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for await (const ex of exchangesFromPcapFile(file)) out.push({ ...ex, source: undefined });
  return out;
}

/**
 * Rewrites a real capture the way a congested network would deliver it: every run of consecutive data
 * segments of one direction of one connection is reversed, and each segment of the run is sent twice
 * (the copies at the end of the run, as retransmissions would be). Packets of the other direction are
 * not moved, so no acknowledgement overtakes the bytes it acknowledges.
 */
function reorderAndDuplicate(recs: Rec[], linkType: number): { out: Rec[]; runs: number } {
  const runs = dataRuns(recs, linkType);
  const out = runs.flatMap((r) => [...r.recs.slice().reverse(), ...(r.data ? r.recs : [])]);
  return { out, runs: runs.filter((r) => r.recs.length > 1).length };
}

it('the same capture with segments reordered and duplicated gives the same exchanges', async () => {
  const { recs, linkType } = await readRecords(original);
  const { out, runs } = reorderAndDuplicate(recs, linkType);
  expect(runs).toBeGreaterThan(3); // the upload and the download span many segments
  expect(out.length).toBeGreaterThan(recs.length);
  const rewritten = join(dir, 'rewritten.pcap');
  writeFileSync(rewritten, classicPcap(out, { linkType }));
  const [a, b] = await Promise.all([exchanges(original), exchanges(rewritten)]);
  expect(a.length).toBeGreaterThanOrEqual(24);
  expect(a.find((e) => e.request.target === '/upload')?.request.body?.size).toBe(700_000);
  expect(a.find((e) => e.request.target === '/chunked/big')?.response?.body?.size).toBe(40 * 20_001);
  expect(b).toEqual(a);
});

it('dumpcap on lo and any at once (pcapng, two interfaces, every packet twice) gives each exchange once', async () => {
  const file = join(dir, 'two-interfaces.pcapng');
  const dump = spawn('dumpcap', ['-q', '-f', `tcp port ${server.port}`, '-i', 'lo', '-i', 'any', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  dump.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  try {
    for (let i = 0; i < 200 && !/Capturing on/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    await run('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${server.port}/twice/1`, `http://127.0.0.1:${server.port}/twice/2`]);
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    dump.kill('SIGINT');
    if (dump.exitCode === null) await once(dump, 'exit');
  }
  // (-f before the first -i applies to both interfaces; after one, only to that one.)
  const exs = (await exchanges(file)).filter((e) => e.connection?.serverPort === server.port);
  expect(exs.map((e) => `${e.request.target} ${e.response?.status}`)).toEqual(['/twice/1 200', '/twice/2 200']);
  expect(exs.every((e) => (e.flags ?? []).length === 0)).toBe(true);
});

it('a capture that lost segments: every exchange not flagged is exactly one of the original, the rest say gap', async () => {
  const { recs, linkType } = await readRecords(original);
  const seg = newSegment();
  let data = 0;
  const lossy = recs.filter((r) => {
    const skip = decodeSegment({ linkType, tsUs: r.tsUs, buf: r.data, start: 0, end: r.data.length, origLen: r.data.length, iface: 0 }, seg);
    return skip !== Skip.None || seg.payLen === 0 || ++data % 7 !== 3; // lose every 7th data segment
  });
  const file = join(dir, 'lossy.pcap');
  writeFileSync(file, classicPcap(lossy, { linkType }));
  const whole = new Set((await exchanges(original)).map((e) => JSON.stringify(e)));
  const got = await exchanges(file);
  const flagged = got.filter((e) => e.flags?.length);
  expect(flagged.length).toBeGreaterThan(0);
  for (const e of flagged) expect(e.flags).toEqual(expect.arrayContaining([expect.stringMatching(/gap|truncated|no-response/)]));
  for (const e of got.filter((x) => !x.flags?.length)) expect(whole.has(JSON.stringify(e)), `${e.request.method} ${e.request.target}`).toBe(true);
  expect(got.length - flagged.length).toBeGreaterThan(5);
});
