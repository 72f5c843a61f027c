import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeQueryString } from '../../src/formats/har-query.js';
import { JsonText } from '../../src/formats/json-pieces.js';
import { LineBytes } from '../../src/formats/line-bytes.js';

/** What HAR's queryString is: WHATWG URL's searchParams, none when the URL does not parse. */
function oracle(url: string): string {
  let pairs: { name: string; value: string }[] = [];
  try {
    pairs = [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    // none
  }
  return JSON.stringify(pairs);
}

function asText(url: string): string {
  const o = new JsonText();
  writeQueryString(o, url);
  return o.text;
}

function asBytes(urls: string[]): string[] {
  const o = new LineBytes();
  for (const url of urls) {
    writeQueryString(o, url);
    o.endLine();
  }
  return Buffer.concat(o.take()).toString('utf8').split('\n').slice(0, -1);
}

const scheme = fc.constantFrom('http', 'https', 'HTTP', 'ws', 'file', 'foo', 'a+b.c-d', '1x', 'ht tp');
// Hosts that parse and hosts that do not (bad ports, IPv4 out of range, forbidden characters, empty), and
// ones holding what ends an authority.
const authority = fc.constantFrom(
  'example.test',
  '127.0.0.1:18090',
  'shard-3.example.test:8443',
  'user:pw@h.test',
  'h.test:99999',
  'h.test:',
  '1.2.3.999',
  'foo.123',
  '[::1]:80',
  '::1:80',
  'a b',
  'ex%41mple.test',
  'ex%zzmple',
  'é.test',
  'xn--a',
  '',
  '/',
  '\\x',
  'a?b=1',
  'a#b',
  'a<b',
  'host\t',
);
const part = fc.constantFrom('a', 'b', 'q', '=', '&', '&&', '%', '%20', '%41', '%zz', '%e9', '%C3%A9', '%ff', '+', '#', '?', ' ', '\t', '\n', 'é', '\ud83d', '\udc00', '😀', '/', '\\', ';', '"', '<', '\u0000', '\u007f', 'x=1', '=v');
const tail = fc.array(part, { maxLength: 16 }).map((xs) => xs.join(''));
const url = fc.oneof(
  fc.tuple(scheme, authority, tail).map(([s, a, t]) => `${s}://${a}${t}`),
  fc.tuple(scheme, authority, tail, tail).map(([s, a, p, q]) => `${s}://${a}/${p}?${q}`),
  fc.tuple(authority, tail, tail, tail).map(([a, p, q, f]) => `http://${a}/${p}?${q}#${f}`),
  fc.tuple(scheme, fc.constantFrom(':/', ':', '://', ':///', '://\\'), tail).map(([s, sep, t]) => `${s}${sep}x${t}`),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s) => `http://h.test/?${s}`),
  fc.string({ maxLength: 30 }),
);

describe('HAR queryString', () => {
  it('is JSON.stringify of new URL(url).searchParams pairs, for usual and odd URLs, in either sink', () => {
    fc.assert(
      fc.property(fc.array(url, { minLength: 1, maxLength: 20 }), (urls) => {
        const want = urls.map(oracle);
        expect(urls.map(asText)).toEqual(want);
        expect(asBytes(urls)).toEqual(want);
      }),
      { numRuns: 1000 },
    );
  });

  it('knows URLs the parser refuses, whichever comes first for a host', () => {
    const urls = ['http://h.test:99999/a?x=1', 'http://h.test:99999/b?y=2', 'http://1.2.3.999/?a', 'http://ok.test/?a=1&b', 'http://ok.test/p?a=%41+b&&c==d', 'http://ok.test /?a', 'http://ok.test/?a ', 'http:///ok.test/?a=1'];
    for (const u of [...urls, ...urls.reverse()]) expect(asText(u)).toBe(oracle(u));
  });
});
