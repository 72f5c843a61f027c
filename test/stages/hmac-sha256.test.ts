import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hmacSha256Hex } from '../../src/stages/redact/hmac-sha256.js';

// The hand-written HMAC must be node:crypto's to the digit: tokens in captures written before it (and by
// other builds under the same SHADOWTAP_REDACT_KEY) must match the ones it writes.
const reference = (key: Buffer, v: string, chars: number): string => createHmac('sha256', key).update(v).digest('hex').slice(0, chars);

describe('hmacSha256Hex', () => {
  it('equals createHmac for any key length and any string (every padding length, non-ASCII, lone surrogates)', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.integer({ min: 0, max: 200 }).map((n) => 'x'.repeat(n)),
      fc.constantFrom('', '\ud800', 'a\udc00b', 'é'.repeat(60), '☃'.repeat(19)),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 150 }), fc.array(value, { maxLength: 8 }), fc.constantFrom(8, 16, 64), (keyBytes, values, chars) => {
        const key = Buffer.from(keyBytes);
        const mac = hmacSha256Hex(key, chars);
        for (const v of values) expect(mac(v)).toBe(reference(key, v, chars));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps answering right after a long value grew its buffer', () => {
    const key = Buffer.from('0f3a9c1e7b2d4856a1c3e5f7092b4d6e');
    const mac = hmacSha256Hex(key, 16);
    for (const v of ['short', 'L'.repeat(5000), 'short', 'é'.repeat(3000), '']) expect(mac(v)).toBe(reference(key, v, 16));
  });
});
