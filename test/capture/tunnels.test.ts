// Mirrored traffic arrives in tunnels: the inner frames are reassembled as if captured where they ran.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exchangesFromPcapFile } from '../../src/capture/input-file.js';
import { newCaptureStats, type CaptureStats } from '../../src/capture/tcp/stream-sink.js';
import type { Exchange } from '../../src/exchange.js';
import { classicPcap, type Rec } from '../helpers/capture-packets.js';
import { readRecords } from '../helpers/capture-rewrite.js';
import { recordSample, shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';
import { wrap, type Tunnel } from '../helpers/tunnels.js';

const dir = tempDir('shadowtap-tunnels-');
const original = join(dir, 'original.pcap');
let recs: Rec[] = [];
let plain: Exchange[] = [];
let plainStats: CaptureStats;

async function exchanges(file: string, stats: CaptureStats = newCaptureStats()): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for await (const ex of exchangesFromPcapFile(file, { stats })) out.push({ ...ex, source: undefined });
  return out;
}

function write(name: string, packets: Rec[]): string {
  const file = join(dir, name);
  writeFileSync(file, classicPcap(packets, { linkType: 1 }));
  return file;
}

beforeAll(async () => {
  await recordSample(original);
  const read = await readRecords(original);
  expect(read.linkType).toBe(1); // tcpdump on lo writes Ethernet frames: what a tunnel carries
  recs = read.recs;
  plainStats = newCaptureStats();
  plain = await exchanges(original, plainStats);
}, 60_000);

describe('tunnelled captures', () => {
  const cases: [Tunnel, 4 | 6][] = [['vxlan', 4], ['vxlan', 6], ['vxlan-gpe', 4], ['vxlan-gpe-ip', 6], ['gre-eth', 4], ['gre-ip', 4], ['gre-ip', 6], ['erspan1', 4], ['erspan2', 4], ['erspan3', 4], ['erspan3', 6]];
  it.each(cases)('%s over IPv%s gives the exchanges of the unwrapped capture, every packet counted as decapsulated', async (tunnel, family) => {
    expect(plain.length).toBeGreaterThanOrEqual(24);
    const file = write(`${tunnel}-${family}.pcap`, recs.map((r) => ({ tsUs: r.tsUs, data: wrap(tunnel, r.data, { family }) })));
    const stats = newCaptureStats();
    expect(await exchanges(file, stats)).toEqual(plain);
    expect(stats).toMatchObject({ decapsulated: recs.length, flows: plainStats.flows, gaps: 0, nonTcpPackets: 0 });
  });

  it('the same connections natively and in two VXLAN tunnels (VNIs) are three sets of flows that never mix', async () => {
    const file = write('mixed.pcap', recs.flatMap((r) => [r, { tsUs: r.tsUs, data: wrap('vxlan', r.data, { id: 1 }) }, { tsUs: r.tsUs, data: wrap('vxlan', r.data, { id: 2 }) }]));
    const stats = newCaptureStats();
    const got = await exchanges(file, stats);
    expect(stats).toMatchObject({ flows: 3 * plainStats.flows, gaps: 0, decapsulated: 2 * recs.length });
    const key = (e: Exchange): string => JSON.stringify({ ...e, id: undefined });
    const counts = new Map<string, number>();
    for (const e of got) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
    expect(new Set(counts.values())).toEqual(new Set([3]));
    expect([...counts.keys()].sort()).toEqual(plain.map(key).sort());
  });

  it('tunnels in tunnels (VXLAN inside ERSPAN II, as a mirrored VTEP sends it) are unwrapped to the innermost', async () => {
    const file = write('nested.pcap', recs.map((r) => ({ tsUs: r.tsUs, data: wrap('erspan2', wrap('vxlan', r.data, { id: 9 })) })));
    const stats = newCaptureStats();
    expect(await exchanges(file, stats)).toEqual(plain);
    expect(stats).toMatchObject({ decapsulated: recs.length, gaps: 0 });
  });

  it('VXLAN on the Linux default port 8472 too; other UDP with the same bytes is not a tunnel', async () => {
    const linux = write('vxlan-8472.pcap', recs.map((r) => ({ tsUs: r.tsUs, data: wrap('vxlan', r.data, { udpPort: 8472 }) })));
    expect(await exchanges(linux)).toEqual(plain);
    const stats = newCaptureStats();
    const other = write('udp-9999.pcap', recs.map((r) => ({ tsUs: r.tsUs, data: wrap('vxlan', r.data, { udpPort: 9999 }) })));
    expect(await exchanges(other, stats)).toEqual([]);
    expect(stats).toMatchObject({ decapsulated: 0, nonTcpPackets: recs.length });
  });

  it('capture says in its summary how many packets came out of tunnels; cat lists them', async () => {
    const file = join(dir, 'vxlan-4.pcap');
    const out = join(dir, 'vxlan.jsonl');
    const r = await shadowtap(['capture', '--read', file, '--out', out, '--no-redact']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`decapsulated: ${recs.length} packets came out of VXLAN/GRE/ERSPAN tunnels`);
    expect(readFileSync(out, 'utf8').trim().split('\n').length - 1).toBe(plain.length); // a header line, then the exchanges
    const [wrapped, unwrapped] = await Promise.all([shadowtap(['cat', file]), shadowtap(['cat', original])]);
    expect(wrapped.stdout).toBe(unwrapped.stdout);
  });
});
