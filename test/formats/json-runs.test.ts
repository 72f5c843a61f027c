import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonText, Run, type Scalar } from '../../src/formats/json-pieces.js';
import { LineBytes } from '../../src/formats/line-bytes.js';

// Values from small pools, so runs repeat (cached pieces) and change (new pieces, and part by part once
// they stop repeating), with text that needs escaping, non-ASCII, lone surrogates and odd numbers.
const text = fc.oneof(fc.constantFrom('GET', 'HTTP/1.1', '', 'OK', 'text/html', 'a"b\\c', '\u0001\n', 'é😀', '\ud800x', 'x'.repeat(40)), fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 8 }));
const number = fc.oneof(fc.constantFrom(200, 0, -1, -0, 1.5, NaN, Infinity, 1e21, 0.1 + 0.2), fc.integer(), fc.double());
const scalar: fc.Arbitrary<Scalar> = fc.oneof(text, number);

describe('runs', () => {
  it('LineBytes writes a run as JsonText does (JSON.stringify of each value between the parts), cached or not', () => {
    const runs = [new Run('{"a":', '}'), new Run('[', ',', ']'), new Run(',"s":', ',"r":', ',"v":', ',"h":[')];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2), scalar, scalar, scalar), { minLength: 1, maxLength: 200 }), (calls) => {
        const bytes = new LineBytes();
        const text = new JsonText();
        for (const [k, a, b, c] of calls) {
          const r = runs[k]!;
          const args: [Scalar, Scalar?, Scalar?] = k === 0 ? [a] : k === 1 ? [a, b] : [a, b, c];
          bytes.run(r, ...args);
          text.run(r, ...args);
          bytes.endLine();
          text.raw('\n');
        }
        expect(Buffer.concat(bytes.take()).toString('utf8')).toBe(text.text);
      }),
      { numRuns: 200 },
    );
  });

  it('numbers are written as JSON.stringify writes them (µs times, thousandths, padding inside large integers)', () => {
    const values = [0, 9, 10, 99, 100, 1e9, 1e9 + 1, 1796475935254589, Number.MAX_SAFE_INTEGER, 1.159, -0.001, 123.45, 1e21, NaN, -0];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...values), fc.maxSafeNat(), fc.integer({ min: -1e7, max: 1e7 }).map((k) => k / 1000), fc.double()), { maxLength: 100 }), (vs) => {
        const out = new LineBytes();
        for (const v of vs) {
          out.num(v);
          out.endLine();
        }
        expect(Buffer.concat(out.take()).toString('utf8')).toBe(vs.map((v) => `${Number.isFinite(v) ? JSON.stringify(v) : 'null'}\n`).join(''));
      }),
    );
  });
});
