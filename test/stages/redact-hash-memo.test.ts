import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hasher, MEMO_ENTRIES, MEMO_MAX_CHARS } from '../../src/stages/redact/key.js';

// hasher() remembers values it hashed (bounded): a remembered answer must be exactly what hashing gives,
// for its own key only, whatever came before it.

const KEY = Buffer.from('0f3a9c1e7b2d4856a1c3e5f7092b4d6e', 'utf8');
const OTHER = Buffer.from('9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b', 'utf8');
const reference = (key: Buffer, v: string): string => (/^redacted:[0-9a-f]{16}$/.test(v) ? v : `redacted:${createHmac('sha256', key).update(v).digest('hex').slice(0, 16)}`);

describe('the redaction hash, remembered by value', () => {
  it('equals the HMAC for any sequence of values, repeats, long values and redactions included', () => {
    const value = fc.oneof(
      fc.constantFrom('tok1', 'tok2', 'Bearer x', '', 'redacted:0123456789abcdef', 'é☃', 'a'.repeat(MEMO_MAX_CHARS), 'a'.repeat(MEMO_MAX_CHARS + 1)),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), (values) => {
        const [a, b] = [hasher(KEY), hasher(OTHER)];
        for (const v of values) {
          expect(a(v)).toBe(reference(KEY, v));
          expect(b(v)).toBe(reference(OTHER, v)); // a memo is per key: never another key's answer
        }
      }),
      { numRuns: 300 },
    );
  });

  it('stays exact past its bound: generations dropped, values asked for again hashed again', () => {
    const hash = hasher(KEY);
    const values = Array.from({ length: MEMO_ENTRIES * 3 + 7 }, (_, i) => `v${i}`);
    for (const round of [0, 1]) {
      for (const v of round === 0 ? values : [...values].reverse()) expect(hash(v)).toBe(reference(KEY, v));
    }
    // A hot value asked for all along survives every turnover.
    for (let i = 0; i < MEMO_ENTRIES * 3; i++) {
      expect(hash('hot')).toBe(reference(KEY, 'hot'));
      hash(`cold${i}`);
    }
  });
});
