import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTsvLane } from '../../src/capture/lane/tsv-lane.js';
import { classicPcap } from '../helpers/capture-packets.js';
import { dataRuns, readRecords } from '../helpers/capture-rewrite.js';
import { recordSample, shadowtap } from '../helpers/capture-tools.js';
import { tempDir } from '../helpers/tmp.js';

// The tsv lane on real tcpdump captures of everyday traffic (curl keep-alive, a 700 kB upload, a large
// chunked download, ab): it must take them whole — the point of the lane — and print what the JS
// pipeline prints; rewritten with segments reordered and repeated it still must not differ.

const dir = tempDir('shadowtap-lane-real-');
const original = join(dir, 'sample.pcap');

beforeAll(() => recordSample(original), 60_000);

const sink = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });

async function both(file: string): Promise<{ lane: string; js: string }> {
  const lane = await shadowtap(['cat', file]);
  const js = await shadowtap(['cat', file], { env: { SHADOWTAP_TSV_LANE: '0' } });
  expect([lane.code, js.code]).toEqual([0, 0]);
  return { lane: lane.stdout, js: js.stdout };
}

describe('tsv lane on real captures', () => {
  it('takes an everyday capture whole and prints what the JS pipeline prints', async () => {
    const outcome = await runTsvLane(original, sink());
    expect(outcome).toMatchObject({ done: true });
    expect(outcome.emitted).toBeGreaterThan(20);
    const { lane, js } = await both(original);
    expect(lane).toBe(js);
    expect(lane.split('\n').filter(Boolean)).toHaveLength(outcome.emitted);
  });

  it('the same capture with data segments reordered and repeated: held and delivered in order, same lines', async () => {
    const { recs, linkType } = await readRecords(original);
    const runs = dataRuns(recs, linkType);
    const out = runs.flatMap((r) => [...r.recs.slice().reverse(), ...(r.data ? r.recs : [])]);
    const file = join(dir, 'reordered.pcap');
    writeFileSync(file, classicPcap(out, { linkType }));
    expect(runs.some((r) => r.recs.length > 1)).toBe(true);
    expect(await runTsvLane(file, sink())).toMatchObject({ done: true });
    const { lane, js } = await both(file);
    expect(lane).toBe(js);
  });
});
