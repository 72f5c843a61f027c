import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formParams } from '../../src/form-urlencoded.js';

const pairs = (p: URLSearchParams): [string, string][] => [...p];

/**
 * The oracle: a URL's query, which WHATWG URL percent-encodes (UTF-8) before its searchParams parse it,
 * so it never meets Node's bug. Texts without what a URL treats apart (`#`, tabs, newlines, spaces and
 * controls at the ends, a leading `?`) parse to the same pairs as a form body.
 */
const oracle = (text: string): [string, string][] => [...new URL(`http://h.test/?${text}`).searchParams];

const piece = fc.constantFrom('a', 'b', '=', '&', '+', '%', '%aa', '%2', '%41', '%e2%82', '%f0%9f%98%80', '😀', 'é', '€', '\ud800', '\udc00', '?', '/', '"', '<', 'Z', '0');

describe('formParams', () => {
  it('keeps non-ASCII text next to an invalid escape (Node URLSearchParams mangles it)', () => {
    expect(pairs(formParams('b=1/😀?%aa'))).toEqual([['b', '1/😀?\ufffd']]);
    expect(pairs(formParams('b=%aa😀&c=é+x'))).toEqual([['b', '\ufffd😀'], ['c', 'é x']]);
    expect(pairs(formParams('k=\ud800'))).toEqual([['k', '\ufffd']]);
  });

  it('parses as WHATWG URL does, for any mix of ASCII, escapes and non-ASCII', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
        const text = parts.join('');
        fc.pre(!text.startsWith('?'));
        expect(pairs(formParams(text))).toEqual(oracle(text));
      }),
      { numRuns: 3000 },
    );
  });
});
