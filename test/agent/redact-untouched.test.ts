import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/exchange.js';
import { createRedactor } from '../../src/stages/redact/index.js';
import { toHarEntry } from '../../src/formats/har-entry.js';
import { exchange } from './exchange-arbitrary.js';

const LOCATION = { name: 'Location', value: '/unchanged' };

/**
 * The same exchange with one more header that sends redaction down its full path without changing
 * anything (a Location without query or userinfo), and a function that takes that header out again.
 */
function forcedFullPath(ex: Exchange): { ex: Exchange; strip: (out: Exchange) => Exchange } {
  if (ex.response) {
    const interim = [...(ex.response.interim ?? []), { status: 103, reason: 'Early Hints', headers: [LOCATION], atUs: 0 }];
    return {
      ex: { ...ex, response: { ...ex.response, interim } },
      strip: (out) => {
        const { interim: all, ...rest } = out.response!;
        return { ...out, response: ex.response!.interim ? { ...rest, interim: all!.slice(0, -1) } : rest };
      },
    };
  }
  return {
    ex: { ...ex, request: { ...ex.request, trailers: [...(ex.request.trailers ?? []), LOCATION] } },
    strip: (out) => {
      const { trailers: all, ...rest } = out.request;
      return { ...out, request: ex.request.trailers ? { ...rest, trailers: all!.slice(0, -1) } : rest };
    },
  };
}

describe('redaction of an exchange with nothing to redact', () => {
  it('returns it as it is, with the same capture line the full path writes; otherwise a copy, the input untouched', () => {
    const redact = createRedactor({ enabled: true, headers: ['X-Extra'], queryParams: ['sig'], key: { bytes: Buffer.from('a test key, 16+ bytes'), source: 'test' } });
    let untouched = 0;
    fc.assert(
      fc.property(exchange, (ex) => {
        const before = JSON.stringify(ex);
        const fast = redact(ex);
        const forced = forcedFullPath(ex);
        const full = forced.strip(redact(forced.ex));
        expect(JSON.stringify(toHarEntry(fast))).toBe(JSON.stringify(toHarEntry(full)));
        expect(JSON.stringify(ex)).toBe(before);
        if (fast === ex) untouched++;
      }),
      { numRuns: 400 },
    );
    // Both paths were taken.
    expect(untouched).toBeGreaterThan(10);
    expect(untouched).toBeLessThan(390);
  });
});
