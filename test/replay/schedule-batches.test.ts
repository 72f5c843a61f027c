import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { captureSchedule, captureScheduleBatches, type CaptureScheduleOptions } from '../../src/replay/schedule/capture.js';
import { recorded } from '../helpers/replay-fixtures.js';
import type { Exchange } from '../../src/exchange.js';
import type { ScheduledRequest } from '../../src/replay/types.js';
import { Prefetch } from '../../src/replay/schedule/prefetch.js';

async function* oneByOne(xs: Exchange[]): AsyncGenerator<Exchange> {
  yield* xs;
}

async function* inBatches(xs: Exchange[], size: number): AsyncGenerator<Exchange[]> {
  for (let i = 0; i < xs.length; i += size) yield xs.slice(i, i + size);
}

const brief = (r: ScheduledRequest): [string, number, string] => [r.id, r.intendedUs, r.target];

describe('capture schedule from batches', () => {
  it('is the schedule of the same exchanges one at a time, whatever the batch size and options', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(50), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.record({ speed: fc.constantFrom(0, 1, 2.5), loop: fc.integer({ min: 1, max: 3 }), maxRequests: fc.option(fc.nat(40), { nil: undefined }), durationMs: fc.option(fc.nat(600), { nil: undefined }) }),
        fc.boolean(),
        async (gaps, size, o, filtered) => {
          let at = 0;
          const xs = gaps.map((g, i) => recorded(i, (at += g)));
          const opts: CaptureScheduleOptions = { ...o, ...(filtered ? { filter: (ex: Exchange) => !ex.id.endsWith('3') } : {}) };
          const want: [string, number, string][] = [];
          for await (const r of captureSchedule(() => oneByOne(xs), opts)) want.push(brief(r));
          const got: [string, number, string][] = [];
          for await (const b of captureScheduleBatches(() => inBatches(xs, size), opts)) {
            expect(b.length).toBeGreaterThan(0);
            got.push(...b.map(brief));
          }
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('Prefetch over batches', () => {
  async function* batches(n: number, size: number, failAfter?: number): AsyncGenerator<number[]> {
    for (let i = 0; i < n; i += size) {
      if (failAfter !== undefined && i >= failAfter) throw new Error(`failed at ${i}`);
      yield Array.from({ length: Math.min(size, n - i) }, (_, k) => i + k);
    }
  }

  it('hands over every item in order, holding at most `ahead` plus one batch; a failure comes after the items before it', async () => {
    let most = 0;
    const p = new Prefetch<number>(batches(5000, 37), 100);
    const got: number[] = [];
    for (;;) {
      most = Math.max(most, (p as unknown as { buf: unknown[]; head: number }).buf.length - (p as unknown as { head: number }).head);
      const v = p.shift();
      if (v !== undefined) got.push(v);
      else if (p.finished) break;
      else await p.ready();
    }
    expect(got).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(most).toBeLessThanOrEqual(100 + 37);
    await p.close();
    const failing = new Prefetch<number>(batches(500, 50, 200), 64);
    const before: number[] = [];
    const drain = async (): Promise<void> => {
      for (;;) {
        const v = failing.shift();
        if (v !== undefined) before.push(v);
        else if (failing.finished) return;
        else await failing.ready();
      }
    };
    await expect(drain()).rejects.toThrow('failed at 200');
    expect(before).toEqual(Array.from({ length: 200 }, (_, i) => i));
    await failing.close();
  });

  it('filled() waits until the read-ahead is full (a run starts with its input decoded), or the source ended', async () => {
    const p = new Prefetch<number>(batches(1000, 10), 100);
    await p.filled();
    const held = (p as unknown as { buf: unknown[] }).buf.length;
    expect(held).toBeGreaterThanOrEqual(100);
    expect(p.remaining()).toBeUndefined(); // not exhausted: the total is not known
    await p.close();
    expect(p.remaining()).toBeUndefined(); // closed early: still not known
    const short = new Prefetch<number>(batches(30, 7), 100);
    await short.filled();
    // Ended and all buffered: the warm-up is capped at this count.
    expect(short.remaining()).toBe(30);
    short.shift();
    expect(short.remaining()).toBe(29);
    const got: number[] = [0];
    for (let v = short.shift(); v !== undefined; v = short.shift()) got.push(v);
    expect(got).toHaveLength(30);
    expect(short.finished).toBe(true);
    await short.close();
    // A live source (the agent's mirror) yields only as traffic comes: filled() gives up after its bound.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* live(): AsyncGenerator<number[]> {
      yield [1, 2, 3];
      await gate;
    }
    const slow = new Prefetch<number>(live(), 100);
    await slow.filled(50);
    expect(slow.remaining()).toBeUndefined();
    expect([slow.shift(), slow.shift(), slow.shift(), slow.shift()]).toEqual([1, 2, 3, undefined]);
    release();
    await slow.close();
  });
});
