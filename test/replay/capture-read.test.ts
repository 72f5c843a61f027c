import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHarEntry } from '../../src/formats/har-entry.js';
import { fastParseHarEntry, harEntrySchema } from '../../src/formats/har-schema.js';
import { EntryError, fromHarEntry } from '../../src/formats/har-import.js';
import { Prefetch } from '../../src/replay/schedule/prefetch.js';
import { sampleExchange } from '../helpers/exchanges.js';

/** A capture line as JSON.parse gives it, with every optional `_` field present. */
function fullEntry(i: number): Record<string, unknown> {
  const ex = sampleExchange(i, {
    flags: ['gap', 'tunnel'],
  });
  ex.request.trailers = [{ name: 'X-Req-Trailer', value: 'a' }];
  ex.response!.trailers = [{ name: 'X-Res-Trailer', value: 'b' }];
  ex.response!.interim = [{ status: 100, reason: 'Continue', headers: [{ name: 'X-I', value: '1' }], atUs: ex.timing.requestStartUs + 5 }];
  return JSON.parse(JSON.stringify(toHarEntry(ex))) as Record<string, unknown>;
}

/** Every [parent, key] in a JSON value, so a property test can change any one place. */
function places(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): typeof out {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push([v, i]);
      places(x, out);
    });
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push([v as Record<string, unknown>, k]);
      places(x, out);
    }
  }
  return out;
}

const DELETE = Symbol('delete');
const REPLACEMENTS: unknown[] = [null, '', 'x', 0, -1, 1.5, 2 ** 60, true, [], {}, [{ name: 'a' }], { size: -1, truncated: false }, 'base64', DELETE];

describe('capture line fast path (hand-written check, zod only on failure)', () => {
  it('accepts every well-formed entry and gives exactly what zod gives', () => {
    for (let i = 0; i < 20; i++) {
      const raw = fullEntry(i);
      const fast = fastParseHarEntry(raw);
      expect(fast).toBeDefined();
      expect(fast).toEqual(harEntrySchema().parse(raw));
    }
  });

  it('never accepts what zod rejects, and agrees with zod on what it accepts (any one field changed)', () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(10_000), fc.nat(REPLACEMENTS.length - 1), fc.boolean(), (i, at, r, extraKey) => {
        const raw = fullEntry(i);
        const all = places(raw);
        const [parent, key] = all[at % all.length]!;
        const value = REPLACEMENTS[r];
        if (extraKey && !Array.isArray(parent)) parent[`extra${r}`] = value;
        else if (value === DELETE) {
          if (Array.isArray(parent)) parent.splice(key as number, 1);
          else delete parent[key as string];
        } else (parent as Record<string | number, unknown>)[key] = value;
        const fast = fastParseHarEntry(raw);
        const slow = harEntrySchema().safeParse(raw);
        if (fast !== undefined) {
          expect(slow.success).toBe(true);
          expect(fast).toEqual(slow.data);
        }
        // Whichever path decides, fromHarEntry either yields the same exchange as zod's data would or names the field.
        if (!slow.success) expect(() => fromHarEntry(raw, '1')).toThrow(EntryError);
      }),
      { numRuns: 3000, seed: 42 },
    );
  });

  it('still names the field when a line is wrong', () => {
    const raw = fullEntry(1);
    (raw.request as { headers: unknown[] }).headers[1] = { name: 'X', value: 7 };
    expect(() => fromHarEntry(raw, '1')).toThrow(/^request\.headers\[1\]\.value: /);
    const noMethod = fullEntry(2);
    (noMethod.request as Record<string, unknown>).method = '';
    expect(() => fromHarEntry(noMethod, '1')).toThrow(/^request\.method: /);
  });
});

describe('Prefetch (read-ahead taken synchronously)', () => {
  async function* numbers(n: number, failAt?: number): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) {
      if (i === failAt) throw new Error(`failed at ${i}`);
      yield i;
    }
  }

  async function drain(p: Prefetch<number>): Promise<number[]> {
    const got: number[] = [];
    for (;;) {
      const v = p.shift();
      if (v !== undefined) got.push(v);
      else if (p.finished) return got;
      else await p.ready();
    }
  }

  it('keeps order across refills and ends', async () => {
    const p = new Prefetch(numbers(5000), 100, 1 << 20, () => 1);
    expect(await drain(p)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    await p.close();
  });

  it('hands over what was read before a failure, then throws it', async () => {
    const p = new Prefetch(numbers(300, 250), 64);
    const got: number[] = [];
    await expect(
      (async () => {
        for (;;) {
          const v = p.shift();
          if (v !== undefined) got.push(v);
          else if (p.finished) return;
          else await p.ready();
        }
      })(),
    ).rejects.toThrow('failed at 250');
    expect(got).toEqual(Array.from({ length: 250 }, (_, i) => i));
    await p.close();
  });

  it('stops reading when closed early', async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<number> {
      for (let i = 0; i < 1_000_000; i++) {
        pulled++;
        yield i;
      }
    }
    const p = new Prefetch(counted(), 32);
    await p.ready();
    expect(p.shift()).toBe(0);
    await p.close();
    const after = pulled;
    await new Promise((r) => setTimeout(r, 20));
    expect(pulled).toBe(after);
    expect(after).toBeLessThan(100);
  });
});
