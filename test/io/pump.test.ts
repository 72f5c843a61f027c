import { describe, expect, it } from 'vitest';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from '../../src/exchange.js';
import { InputError } from '../../src/errors.js';
import { pump } from '../../src/io/pump.js';
import { iterableSource, openExchanges } from '../../src/io/open.js';
import { openSink, openSource } from '../../src/io/registry.js';
import type { Sink } from '../../src/io/sink.js';
import { createRedactor } from '../../src/stages/redact/index.js';
import { countLimit } from '../../src/stages/count-limit.js';
import { filterStage } from '../../src/stages/filter.js';
import { sampleStage } from '../../src/stages/sample.js';
import { rateCap } from '../../src/stages/rate-cap.js';
import { bodyLimit } from '../../src/stages/body-limit.js';
import { sampleExchange } from '../helpers/exchanges.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-pump-');
const key = { bytes: Buffer.from('a pump test key, 16+ bytes'), source: 'test' };
const secret = (i: number): Exchange => sampleExchange(i, { request: { ...sampleExchange(i).request, headers: [{ name: 'Host', value: 'shop.test' }, { name: 'Authorization', value: `Bearer zqTok${i}zq` }] } });

/** A sink that keeps what it is given, in order. */
function memory(takesOriginal = false): Sink & { got: Exchange[] } {
  const got: Exchange[] = [];
  return { name: `memory${takesOriginal ? '-original' : ''}`, got, write: async (b) => void got.push(...b), flush: async () => {}, close: async () => {}, stats: () => ({ written: got.length }), ...(takesOriginal ? { takesOriginal: true as const } : {}) };
}

describe('pump: source → stages → redaction → sinks', () => {
  it('redacts exactly once before every sink but a takesOriginal one, in order', async () => {
    const files = memory();
    const mirror = memory(true);
    const input = [1, 2, 3].map(secret);
    await pump({ source: iterableSource(input), redaction: { enabled: true, key }, sinks: [files, mirror] });
    const once = createRedactor({ enabled: true, key });
    expect(files.got).toEqual(input.map(once));
    expect(JSON.stringify(files.got)).not.toContain('zqTok');
    expect(mirror.got).toEqual(input);
  });

  it('--no-redact (enabled: false) is the only way the sinks see the credentials', async () => {
    const files = memory();
    await pump({ source: iterableSource([secret(1)]), redaction: { enabled: false }, sinks: [files] });
    expect(JSON.stringify(files.got)).toContain('zqTok1zq');
  });

  it('a done stage (count limit) stops the source; filters, sampling, rate cap and body limit drop or cut and count', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Exchange> {
      for (let i = 0; i < 10_000; i++, pulled++) yield sampleExchange(i);
    }
    const out = memory();
    const limit = countLimit(5);
    await pump({ source: iterableSource(endless()), stages: [filterStage({ methods: ['get'] }), limit], redaction: { enabled: false }, sinks: [out] });
    expect(out.got.map((e) => e.id)).toEqual(['ex-0', 'ex-2', 'ex-4', 'ex-6', 'ex-8']);
    expect(pulled).toBeLessThan(20);
    const batch = [1, 2, 3, 4].map((i) => sampleExchange(i));
    expect(filterStage({ path: /^\/items\/2$/ }).apply(batch).map((e) => e.id)).toEqual(['ex-2']);
    expect(filterStage({ host: /^example\.test$/ }).apply(batch)).toHaveLength(4);
    expect(sampleStage(0).apply(batch)).toEqual([]);
    expect(sampleStage(100).apply(batch)).toBe(batch);
    const cap = rateCap(2, () => 0);
    expect(cap.apply(batch)).toHaveLength(2);
    expect(cap.stats!()).toEqual({ rateLimited: 2 });
    const cut = bodyLimit(2).apply([sampleExchange(1)])[0]!;
    expect(cut.request.body).toMatchObject({ text: '{"', size: 7, truncated: true });
    expect(cut.response!.body).toMatchObject({ size: 5, truncated: true });
  });

  it('a missing input is an InputError naming it, at open or (gone since) in the pump; the sink is still closed whole', async () => {
    const path = join(dir, 'missing.jsonl');
    const atOpen = await openSource(path).catch((e: unknown) => e);
    expect(atOpen).toBeInstanceOf(InputError);
    expect((atOpen as Error).message).toContain(path);
    writeFileSync(path, '');
    const source = await openSource(path);
    unlinkSync(path); // readers open lazily: the pump meets the missing file and names it
    const out = join(dir, 'partial.jsonl');
    const sink = await openSink(out, { redaction: { enabled: true, key } });
    const err = await pump({ source, redaction: { enabled: true, key }, sinks: [sink] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(path);
    expect([...(await collect(out))]).toEqual([]);
  });

  it('a slow sink holds the source back (back-pressure): at most one batch ahead', async () => {
    let pulled = 0;
    let maxAhead = 0;
    let taken = 0;
    async function* counted(): AsyncGenerator<Exchange> {
      for (let i = 0; i < 50; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - taken);
        yield sampleExchange(i);
      }
    }
    const slow: Sink = { ...memory(), write: async (b) => void (await new Promise((r) => setImmediate(r)), (taken += b.length)) };
    await pump({ source: iterableSource(counted()), redaction: { enabled: false }, sinks: [slow] });
    expect(taken).toBe(50);
    expect(maxAhead).toBeLessThanOrEqual(2);
  });
});

async function collect(path: string): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for await (const ex of await openExchanges(path)) out.push(ex);
  return out;
}
