import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHeaderNamed } from '../../src/exchange.js';
import { forwardableRaw } from '../../src/capture/proxy/headers.js';

const NAMES = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'expect', 'trailer', 'host', 'content-type', 'x-custom'];
// Case variants of the names, with the characters whose Unicode case mapping leads into ASCII or grows the string.
const variant = fc.tuple(fc.constantFrom(...NAMES), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), fc.constantFrom('', '\u212a', '\u0130', 'é')).map(([n, flips, odd]) => {
  const cased = [...n].map((c, i) => (flips[i] ? c.toUpperCase() : c)).join('');
  return flips[19] ? cased.replace(/k|i/, odd || 'k') : cased;
});
const anyName = fc.oneof(variant, fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }));

/** What forwardableRaw must do, written the plain way (lower-cased copies, Sets). */
function reference(raw: string[], direction: 'request' | 'response'): string[] {
  // Requests keep Transfer-Encoding, Expect and Trailer: their body, 100 Continue and trailers are forwarded.
  const hop = new Set(direction === 'request' ? ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te'] : NAMES.slice(0, 3));
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'connection') continue;
    for (const token of raw[i + 1]!.split(',')) {
      const t = token.trim().toLowerCase();
      if (t && t !== 'close' && t !== 'keep-alive') named.add(t);
    }
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!hop.has(raw[i]!.toLowerCase()) && !named.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}

describe('recording proxy header handling without lower-cased copies', () => {
  it('isHeaderNamed agrees with toLowerCase() ===, Unicode case rules included', () => {
    fc.assert(fc.property(anyName, fc.constantFrom(...NAMES), (name, lower) => {
        expect(isHeaderNamed(name, lower)).toBe(name.toLowerCase() === lower);
      }), { numRuns: 3000 });
    expect(isHeaderNamed('\u212aeep-alive', 'keep-alive')).toBe(true); // KELVIN SIGN lower-cases to "k"
  });

  it('forwardableRaw drops the hop-by-hop headers and those Connection names, as the plain rule does', () => {
    const value = fc.oneof(fc.constantFrom('keep-alive', 'Keep-Alive', 'close', 'X-Custom, keep-alive', ' upgrade ,HOST', 'x'), fc.string({ maxLength: 10 }));
    const raw = fc.array(fc.tuple(anyName, value), { maxLength: 8 }).map((pairs) => pairs.flat());
    fc.assert(
      fc.property(raw, fc.constantFrom('request' as const, 'response' as const), (r, direction) => {
        expect(forwardableRaw(r, direction)).toEqual(reference(r, direction));
      }),
      { numRuns: 2000 },
    );
  });
});
