import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Exchange, Header } from '../../src/exchange.js';
import { headersExchange } from '../helpers/exchanges.js';
import { createRedactor } from '../../src/stages/redact/index.js';
import { memoised } from '../../src/stages/redact/memo.js';

// Redacted header values are remembered per kind (stages/redact/memo.ts): a redactor that has seen many
// values must answer exactly as a fresh one (nothing remembered) does, for every kind of secret header.

const key = { bytes: Buffer.from('value memo test key, 32 bytes ok'), source: 'test' };

const exchange = (req: Header[], res: Header[]): Exchange => headersExchange(req, res, { target: '/p?token=t1&q=2', status: 302, reason: 'Found' });

describe('header values remembered once redacted', () => {
  it('a redactor with a memory answers as a fresh one, for any sequence of repeated and new values', () => {
    const name = fc.constantFrom('Cookie', 'cookie', 'Set-Cookie', 'Authorization', 'Proxy-Authorization', 'X-Api-Key', 'Referer', 'Location', 'Host');
    const value = fc.oneof(
      fc.constantFrom('a=1; b=2', 'sid=x', 'Bearer tok', 'Basic dXNlcjpwdw==', 'sid=1; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT, b=2', 'https://u:pw@h/x;jsessionid=9?token=abc#access_token=z', '/x?a=1', '', ' bare ; ', 'x'.repeat(1100)),
      fc.string({ maxLength: 30 }),
    );
    const header = fc.record({ name, value });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(header, { maxLength: 4 }), fc.array(header, { maxLength: 3 })), { maxLength: 25 }), (exchanges) => {
        const redact = createRedactor({ enabled: true, key });
        for (const [req, res] of exchanges) {
          const got = redact(exchange(req, res));
          const fresh = createRedactor({ enabled: true, key })(exchange(req, res));
          expect(got).toEqual(fresh);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('memoised() answers as the function does, past its bounds too', () => {
    let calls = 0;
    const fn = (v: string): string => {
      calls++;
      return `<${v.split('').reverse().join('')}>`;
    };
    const m = memoised(fn, 8, 4);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('a', 'b', 'c', 'long value!'), fc.string({ maxLength: 10 })), { maxLength: 40 }), (values) => {
        for (const v of values) expect(m(v)).toBe(fn(v));
      }),
    );
    calls = 0;
    m('kept');
    m('kept');
    expect(calls).toBe(1); // remembered
    m('over eight chars');
    m('over eight chars');
    expect(calls).toBe(3); // too long: computed each time
  });

  it('memoised() stops looking while it finds nothing, answers right throughout, and looks again later', () => {
    let calls = 0;
    const fn = (v: string): string => {
      calls++;
      return v.toUpperCase();
    };
    const m = memoised(fn, 64, 4096);
    for (let i = 0; i < 256; i++) expect(m(`new-${i}`)).toBe(`NEW-${i}`); // a window of misses
    calls = 0;
    for (const v of ['a', 'b', 'a', 'b']) expect(m(v)).toBe(v.toUpperCase());
    expect(calls).toBe(4); // resting: computed every time
    calls = 0;
    expect([m('x'), m('x'), m('x')]).toEqual(['X', 'X', 'X']);
    expect(calls).toBe(1); // still resting, but a run of one value is computed once (the last one is kept)
    for (let i = 0; i < 5000; i++) m(i % 2 ? 'a' : 'b'); // past the rest, remembered again
    calls = 0;
    for (const v of ['a', 'b', 'a', 'b']) expect(m(v)).toBe(v.toUpperCase());
    expect(calls).toBe(0);
  });
});
