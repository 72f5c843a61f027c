import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { array, boolean, checker, literal, looseObject, number, object, oneOf, optional, string, zodOf } from '../../src/formats/shape.js';

const SHAPE = looseObject({
  name: string({ min: 1 }),
  n: number({ int: true, nonnegative: true }),
  x: optional(number()),
  on: optional(boolean()),
  kind: optional(oneOf(['a', 'b'])),
  enc: optional(literal('base64')),
  list: array(object({ k: string(), v: optional(number()) })),
  meta: optional(looseObject({ tag: optional(string()) })),
});

/** Values near the shape: each field right, wrong, missing or extra, so both sides of every check are hit. */
const near = fc.record(
  {
    name: fc.oneof(fc.constant(''), fc.string(), fc.integer()),
    n: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constant(2 ** 60), fc.constant(Infinity), fc.constant('1')),
    x: fc.oneof(fc.double(), fc.constant(undefined), fc.constant(null)),
    on: fc.oneof(fc.boolean(), fc.constant(0)),
    kind: fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.constant(undefined)),
    enc: fc.constantFrom('base64', 'hex', undefined),
    list: fc.oneof(fc.array(fc.record({ k: fc.oneof(fc.string(), fc.integer()), v: fc.oneof(fc.integer(), fc.constant('v')), extra: fc.string() }, { requiredKeys: ['k'] }), { maxLength: 3 }), fc.constant({})),
    meta: fc.oneof(fc.record({ tag: fc.oneof(fc.string(), fc.integer()), more: fc.string() }, { requiredKeys: [] }), fc.constant([]), fc.constant(null)),
    other: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe('formats/shape: one definition, a compiled check and a zod schema', () => {
  const fast = checker(SHAPE);
  const schema = zodOf(SHAPE, z);

  it('the compiled check accepts exactly what zod accepts, and gives what zod gives', () => {
    fc.assert(
      fc.property(near, (v) => {
        const mine = fast(v);
        const theirs = schema.safeParse(v);
        expect(mine !== undefined).toBe(theirs.success);
        if (theirs.success) expect(mine).toEqual(theirs.data);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('strict objects drop unknown keys, loose ones keep them; the input is never changed', () => {
    const v = { name: 'a', n: 1, list: [{ k: 'x', extra: 1 }], extra: true, meta: { more: 2 } };
    const copy = structuredClone(v);
    expect(fast(v)).toEqual({ name: 'a', n: 1, list: [{ k: 'x' }], extra: true, meta: { more: 2 } });
    expect(v).toEqual(copy);
    expect(fast({ ...v, n: -1 })).toBeUndefined();
  });

  it('what already is as zod gives it comes back itself; a copy is made of what changed, and of what holds it', () => {
    const v = { name: 'a', n: 1, list: [{ k: 'x', v: 1 }, { k: 'y' }], other: [1], meta: { tag: 't', more: 2 } };
    const out = fast(v)!;
    expect(out).toBe(v);
    expect(out.list[1]).toBe(v.list[1]);
    // An unknown key, or the known ones out of the copy's order, makes that one object a copy (keys in shape order).
    const w = { ...v, list: [{ k: 'x' }, { v: 2, k: 'y' }, { k: 'z', extra: 1 }] };
    const got = fast(w)!;
    expect(got).not.toBe(w);
    expect(got.list[0]).toBe(w.list[0]);
    expect(got.list.map((e) => Object.keys(e))).toEqual([['k'], ['k', 'v'], ['k']]);
    expect(got.meta).toBe(w.meta);
    expect(Object.keys(got)).toEqual(Object.keys(w));
  });
});
