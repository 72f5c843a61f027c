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

describe('io/outputs/mirror: a shadow that fails is the agent\'s to know', () => {
  it('is in trouble while every request fails, says so once, and says when it answers again', { timeout: 20_000 }, async () => {
    const lines: { level: string; msg: string; extra: Record<string, unknown> }[] = [];
    let heard: (() => void) | undefined;
    const log = (level: string, msg: string, extra?: object): void => {
      lines.push({ level, msg, extra: (extra ?? {}) as Record<string, unknown> });
      heard?.();
    };
    const logged = async (msg: string): Promise<void> => {
      while (!lines.some((l) => l.msg === msg)) await new Promise<void>((r) => (heard = r));
    };
    let failing = true;
    let answered: (() => void) | undefined;
    const engine: MirrorEngine = async ({ schedule, targets, onResult }) => {
      for await (const _ of schedule) {
        for (let t = 0; t < targets.length; t++) onResult({ target: t, ...(failing ? { error: 'ECONNREFUSED' } : {}) });
        answered?.();
      }
    };
    const sent = async (n: number): Promise<void> => {
      while (mirror.counts.mirrored < n) await new Promise<void>((r) => (answered = r));
    };
    const mirror = new MirrorSink({ targets: [{ url: 'http://127.0.0.1:1' }], samplePercent: 100, queue: 100, connections: 4, timeoutMs: 1000, engine, log });
    try {
      await mirror.write([sampleExchange(0), sampleExchange(1)]);
      await logged('mirror degraded');
      expect(mirror.trouble.reason).toMatch(/^every mirrored request fails \(ECONNREFUSED\)/);
      await mirror.write([sampleExchange(2)]);
      await sent(3);
      failing = false;
      await mirror.write([sampleExchange(3)]);
      await logged('mirror recovered');
      expect(mirror.trouble.reason).toBeUndefined();
      expect(lines.filter((l) => l.msg === 'mirror degraded')).toHaveLength(1);
      expect(lines.find((l) => l.msg === 'mirror recovered')).toMatchObject({ level: 'warn', extra: { lost: 3 } });
    } finally {
      await mirror.close();
    }
    expect(mirror.stats()).toMatchObject({ offered: 4, mirrored: 4, errors: 3 });
  });
});
