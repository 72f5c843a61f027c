import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapesExtra, WordView } from '../../src/formats/json-scan.js';
import { piece } from '../../src/formats/json-pieces.js';
import { LineBytes } from '../../src/formats/line-bytes.js';

/** Each call's text as LineBytes writes it, one per line. */
function lines(write: (o: LineBytes) => void, n: number): string[] {
  const out = new LineBytes();
  for (let i = 0; i < n; i++) {
    write(out);
    out.endLine();
  }
  return Buffer.concat(out.take()).toString('utf8').split('\n').slice(0, -1);
}

// Strings with what JSON escapes (at any place of a long one: the word scan's four-word steps and its tail), non-ASCII, lone surrogates.
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', 'a"b', '\\', '\u0000\n', '\ud83d', '😀', 'é', 'x'.repeat(30), `${'y'.repeat(30)}\ud83d`),
  fc.tuple(fc.nat(300), fc.nat(300), fc.constantFrom('"', '\\', '\u0000', '\u001f', ' ', '~', '\u007f')).map(([a, b, c]) => `${'a'.repeat(a)}${c}${'b'.repeat(b)}`),
);

/** For any sequence of texts from `texts`, str() writes each as JSON.stringify does. */
function strIsStringify(texts: fc.Arbitrary<string>, size: { minLength: number; maxLength: number }, numRuns: number): void {
  fc.assert(
    fc.property(fc.array(texts, size), (vs) => {
      let i = 0;
      expect(lines((o) => o.str(vs[i++]!), vs.length)).toEqual(vs.map((v) => JSON.stringify(v)));
    }),
    { numRuns },
  );
}

describe('capture line encoders', () => {
  it('str(s) is JSON.stringify(s)', () => {
    strIsStringify(text, { minLength: 1, maxLength: 50 }, 300);
  });

  it('str(s) of long ASCII text full of escapes is JSON.stringify(s), also where it fills a buffer and moves to the next', () => {
    const escapes = fc.string({ unit: fc.constantFrom('a', '~', '"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u0001', '\u001f', '\u007f'), minLength: 25, maxLength: 3000 });
    strIsStringify(escapes, { minLength: 1, maxLength: 120 }, 60);
  });

  it('str(s) of long ASCII text with escapes between clean runs is JSON.stringify(s): words passed whole and moved four bytes at a time', () => {
    // Clean runs of any length put each escape at every offset within a word and the text at every alignment.
    const run = fc.string({ unit: fc.constantFrom('a', '~', ' ', '\u007f', '{', '}'), maxLength: 40 });
    const esc = fc.constantFrom('"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u0001', '\u001f');
    const sparse = fc.tuple(run, fc.array(fc.tuple(esc, run), { maxLength: 12 })).map(([head, rest]) => head + rest.map(([e, r]) => e + r).join(''));
    strIsStringify(sparse, { minLength: 1, maxLength: 80 }, 200);
  });

  it('piece(p) copies p.text as UTF-8, whatever its characters and length, at every alignment and across buffers', () => {
    // Four-byte characters and DEL next to each other, other non-ASCII, lone surrogates: any eight bytes of them are copied as they are.
    const unit = fc.oneof(fc.constantFrom('\u007f', '😀', '\u{10ffff}', '\ud83d', '\udc00', '\u00ff', '\uffff', '~', '"'), fc.string({ unit: 'binary', maxLength: 3 }));
    const texts = fc.array(fc.string({ unit, maxLength: 120 }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(fc.nat(7), texts, (lead, ts) => {
        const out = new LineBytes();
        const pieces = ts.map(piece);
        for (let r = 0; r < 40; r++) {
          out.raw('x'.repeat(lead + r)); // a piece starts at every alignment
          for (const p of pieces) out.piece(p);
          out.endLine();
        }
        // The oracle is Buffer.from of each text (a lone surrogate is U+FFFD's bytes, also next to another).
        const line = Buffer.concat([...ts.map((t) => Buffer.from(t, 'utf8')), Buffer.from('\n')]);
        const expected = Buffer.concat(Array.from({ length: 40 }, (_, r) => [Buffer.from('x'.repeat(lead + r)), line]).flat());
        expect(Buffer.concat(out.take()).equals(expected)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('escapesExtra(from, to) is the bytes JSON.stringify adds to ASCII text, at every alignment', () => {
    const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 70 });
    fc.assert(
      fc.property(fc.nat(7), ascii, fc.nat(7), (lead, s, tail) => {
        const buf = Buffer.allocUnsafeSlow(lead + s.length + tail).fill(0x22); // quotes around it: outside, not counted
        buf.write(s, lead, 'latin1');
        expect(escapesExtra(new WordView(buf), lead, lead + s.length)).toBe(JSON.stringify(s).length - 2 - s.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('ms(us) is JSON.stringify(Math.round(us) / 1000), for µs spans, odd values and times that share their second', () => {
    const us = fc.oneof(
      fc.integer({ min: -1e7, max: 1e7 }),
      fc.maxSafeNat(),
      fc.double(),
      fc.integer({ min: -1e9, max: 1e9 }).map((k) => k / 2),
      fc.constantFrom(-0, 0.4, -0.4, 999.5, 1e15, 1e15 - 1, 1e18, NaN, Infinity, -Infinity),
    );
    fc.assert(
      fc.property(fc.array(us, { minLength: 1, maxLength: 100 }), (vs) => {
        let i = 0;
        const got = lines((o) => o.ms(vs[i++]!), vs.length);
        expect(got).toEqual(vs.map((v) => JSON.stringify(Math.round(v) / 1000) ?? 'null'));
      }),
      { numRuns: 300 },
    );
  });

  it('large integers (µs times, their digits to the second kept between calls) are JSON.stringify of the number', () => {
    const base = fc.integer({ min: 1_000_000_000, max: Number.MAX_SAFE_INTEGER });
    // Runs of times close together (the kept digits reused), jumps (replaced), and negatives.
    const seq = fc.tuple(base, fc.array(fc.integer({ min: -2_000_000, max: 2_000_000 }), { maxLength: 20 })).map(([b, ds]) => [b, ...ds.map((d) => Math.min(Number.MAX_SAFE_INTEGER, b + d))]);
    fc.assert(
      fc.property(fc.array(seq, { minLength: 1, maxLength: 5 }), fc.boolean(), (seqs, negative) => {
        const vs = seqs.flat().map((v) => (negative ? -v : v));
        let i = 0;
        const got = lines((o) => o.num(vs[i++]!), vs.length);
        expect(got).toEqual(vs.map((v) => JSON.stringify(v)));
      }),
      { numRuns: 200 },
    );
  });
});
