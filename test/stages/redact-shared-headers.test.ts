import { describe, expect, it } from 'vitest';
import type { Header } from '../../src/exchange.js';
import { headersExchange as exchange } from '../helpers/exchanges.js';
import { createRedactor } from '../../src/stages/redact/index.js';

const key = { bytes: Buffer.from('shared headers test key 32 bytes'), source: 'test' };

const plain = (hs: readonly Header[]): Header[] => hs.map((h) => ({ name: h.name, value: h.value }));

describe('redaction of shared (frozen) header objects', () => {
  it('gives what unshared headers give, every time, and never hands out its cached list', () => {
    // As a parser shares them between messages with byte-identical heads.
    const req = [
      { name: 'Host', value: 'h' },
      { name: 'Cookie', value: 'a=1; b=2' },
      { name: 'Authorization', value: 'Bearer tok' },
    ].map((h) => Object.freeze(h));
    const res = [
      { name: 'Server', value: 'nginx' },
      { name: 'Location', value: '/x?token=abc' },
    ].map((h) => Object.freeze(h));
    const clean = [{ name: 'Server', value: 'nginx' }].map((h) => Object.freeze(h));
    const redact = createRedactor({ enabled: true, key });
    const expected = createRedactor({ enabled: true, key })(exchange(plain(req), plain(res)));
    for (let i = 0; i < 3; i++) {
      const got = redact(exchange(req.slice(), res.slice()));
      expect(plain(got.request.headers)).toEqual(expected.request.headers);
      expect(plain(got.response!.headers)).toEqual(expected.response!.headers);
      expect(JSON.stringify(got)).not.toMatch(/Bearer tok|a=1|=abc/);
      // A caller may change the list it was given: the next exchange is not affected.
      got.request.headers.push({ name: 'Cookie', value: 'leak=1' });
      got.response!.headers.length = 0;
    }
    // Nothing to redact: the exchange itself comes back, and so it does again from the cache.
    for (let i = 0; i < 2; i++) {
      const ex = exchange(clean.slice(), clean.slice());
      expect(redact(ex)).toBe(ex);
    }
    // The same first object in a different list is redacted for what it holds.
    const other = redact(exchange([req[0]!, Object.freeze({ name: 'X-Api-Key', value: 'k3y' })], res.slice()));
    expect(JSON.stringify(other.request.headers)).not.toContain('k3y');
  });
});
