import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRedactor } from '../../src/stages/redact/index.js';
import { jsonQuoted } from '../../src/stages/redact/json.js';
import { makeBody } from '../../src/body.js';
import type { Exchange } from '../../src/exchange.js';

// A redacted body is built without encoding its text to bytes and back when the text is ASCII: it must
// be what the stage wrote before, byte for byte, under the same key. The oracle is computed from the
// body's structure with node:crypto's HMAC, not with the stage's rules.
const keyBytes = Buffer.from('body bytes test key, 32 bytes ok');
const redact = createRedactor({ enabled: true, key: { bytes: keyBytes, source: 'test' } });
const mac = (v: string): string => (/^redacted:[0-9a-f]{16}$/.test(v) ? v : `redacted:${createHmac('sha256', keyBytes).update(v).digest('hex').slice(0, 16)}`);

const SECRET = ['password', 'Password', 'access_token', 'sid', 'pin'];
const PLAIN = ['user', 'id', 'name', 'é', 'tags'];
const name = fc.constantFrom(...SECRET, ...PLAIN);
const str = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'é☃', 'a"b\\c', '\u0001\n', '\ud800', 'redacted:0123456789abcdef'));
const leaf = fc.oneof(str, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(null, true, false));
const { json } = fc.letrec((tie) => ({
  json: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('json'), { maxLength: 3 }), fc.dictionary(name, tie('json'), { maxKeys: 4 })),
}));

/** The value as the stage leaves it: a secret member's value becomes the quoted hash of its text. */
function expected(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(expected);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => {
      if (!SECRET.includes(k) || x === null || x === true || x === false || x === '') return [k, expected(x)];
      return [k, mac(typeof x === 'string' ? x : JSON.stringify(x))];
    }),
  );
}

function post(type: string, text: string, truncatedBy: number): Exchange {
  const bytes = Buffer.from(text, 'utf8');
  const body = truncatedBy ? { ...makeBody(bytes), size: bytes.length + truncatedBy, truncated: true } : makeBody(bytes);
  return {
    id: '1',
    timing: { requestStartUs: 1, requestEndUs: 1 },
    request: {
      method: 'POST',
      target: '/login',
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Content-Type', value: type },
        { name: 'Content-Length', value: String(body.size) },
      ],
      body,
    },
  };
}

function check(type: string, text: string, want: string, truncatedBy: number): void {
  const out = redact(post(type, text, truncatedBy)).request;
  const size = Buffer.byteLength(want, 'utf8') + truncatedBy;
  expect(out.body).toStrictEqual({ ...makeBody(Buffer.from(want, 'utf8')), size, truncated: truncatedBy > 0 });
  expect(out.headers[1]).toStrictEqual({ name: 'Content-Length', value: String(size) });
}

describe('redacted bodies are the bytes they were', () => {
  it('JSON, ASCII or not, whole or truncated: secret members hashed, every other byte kept', () => {
    fc.assert(
      fc.property(fc.dictionary(name, json, { minKeys: 1, maxKeys: 5 }), fc.constantFrom(0, 7), (doc, truncatedBy) => {
        check('application/json', JSON.stringify(doc), JSON.stringify(expected(doc)), truncatedBy);
      }),
      { numRuns: 1500 },
    );
  });

  it('urlencoded forms: the raw value of a secret pair hashed', () => {
    const value = fc.stringMatching(/^[^&=%+]{0,10}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 5 }), fc.constantFrom(0, 3), (pairs, truncatedBy) => {
        const text = pairs.map(([k, v]) => `${k}=${v}`).join('&');
        const want = pairs.map(([k, v]) => `${k}=${SECRET.includes(k) ? mac(v) : v}`).join('&');
        check('application/x-www-form-urlencoded', text, want, truncatedBy);
      }),
      { numRuns: 500 },
    );
  });

  it('jsonQuoted is JSON.stringify of any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (s) => {
        expect(jsonQuoted(s)).toBe(JSON.stringify(s));
      }),
      { numRuns: 1000 },
    );
  });
});
