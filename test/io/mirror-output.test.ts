import { describe, expect, it } from 'vitest';
import { MirrorSink, type MirrorEngine, type MirrorRequest } from '../../src/io/outputs/mirror.js';
import { pump } from '../../src/io/pump.js';
import { iterableSource } from '../../src/io/open.js';
import { sampleExchange } from '../helpers/exchanges.js';

/** An engine that answers every request at once, recording what it was handed. */
function recordingEngine(sent: MirrorRequest[]): MirrorEngine {
  return async ({ schedule, targets, onResult }) => {
    for await (const r of schedule) {
      sent.push(r);
      for (let t = 0; t < targets.length; t++) onResult({ target: t });
    }
  };
}

describe('io/outputs/mirror: the live mirror as a Sink, its engine injected', () => {
  it('takes the original exchanges from the pump, sends each through the given engine once, and its counts add up', async () => {
    const sent: MirrorRequest[] = [];
    const key = { bytes: Buffer.from('a mirror test key, 16+ bytes'), source: 'test' };
    const input = Array.from({ length: 20 }, (_, i) => sampleExchange(i, { request: { ...sampleExchange(i).request, headers: [{ name: 'Authorization', value: `Bearer tok${i}` }] } }));
    const mirror = new MirrorSink({ targets: [{ url: 'http://127.0.0.1:1' }, { url: 'http://127.0.0.1:2' }], samplePercent: 100, queue: 100, connections: 4, timeoutMs: 1000, engine: recordingEngine(sent), log: () => undefined });
    expect(mirror.takesOriginal).toBe(true);
    await pump({ source: iterableSource(input), redaction: { enabled: true, key }, sinks: [mirror] });
    expect(sent.map((r) => r.target)).toEqual(input.map((ex) => ex.request.target));
    // Before redaction: the shadow can authenticate.
    expect(sent.map((r) => r.headers[0]!.value)).toEqual(input.map((_, i) => `Bearer tok${i}`));
    const c = mirror.stats();
    expect(c).toMatchObject({ offered: 20, mirrored: 20, errors: 0, queueDropped: 0, abandoned: 0, written: 20 });
  });
});
