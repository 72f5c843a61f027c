import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { createRedactor, createResponseRedactor } from '../../src/stages/redact/index.js';
import type { Exchange, Header } from '../../src/exchange.js';
import { bodyBytes, makeBody } from '../../src/body.js';

const key = { bytes: Buffer.from('observed test key, 32 bytes long'), source: 'test' };
const policy = { enabled: true, key, headers: ['x-custom-*'], queryParams: ['sid'] };
const redactExchange = createRedactor(policy);
const redactObserved = createResponseRedactor<{ status: number; headers: Header[]; body: Uint8Array; tag: string }>(policy);

/** A replay target's answer, with a field of the caller's own that must pass through. */
const answer = (headers: [string, string][], body: string | Buffer) => ({ status: 200, headers: headers.map(([name, value]) => ({ name, value })), body: Buffer.from(body), tag: 'kept' });

/** The reference: the answer as the response of an exchange, through the exchange stage. */
function viaExchange(r: ReturnType<typeof answer>): { headers: Header[]; body: Buffer } {
  const ex: Exchange = {
    id: '',
    timing: { requestStartUs: 0, requestEndUs: 0 },
    request: { method: 'GET', target: '/', httpVersion: 'HTTP/1.1', headers: [] },
    response: { status: r.status, reason: '', httpVersion: 'HTTP/1.1', headers: r.headers, body: makeBody(r.body) },
  };
  const res = redactExchange(ex).response!;
  return { headers: res.headers, body: bodyBytes(res.body) };
}

describe('an observed response is redacted by the response rule alone', () => {
  const cases: [string, ReturnType<typeof answer>][] = [
    ['a Set-Cookie and a secret header', answer([['Content-Type', 'text/plain'], ['Set-Cookie', 'sid=LiveSession; Path=/'], ['X-Custom-Token', 'LiveCustom']], 'ok')],
    ['a JSON body with a token', answer([['Content-Type', 'application/json']], '{"id":7,"access_token":"LiveToken","n":[1,2]}')],
    ['a gzipped JSON body', answer([['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']], gzipSync('{"password":"LiveGz"}'))],
    ['a Location with a secret query field', answer([['Location', 'https://x/cb?sid=LiveSid&page=2'], ['Content-Type', 'text/html']], '<p>moved</p>')],
    ['a form body', answer([['Content-Type', 'application/x-www-form-urlencoded']], 'user=bob&password=LiveForm')],
    // text/plain and untyped bodies are sniffed: their first bytes decide whether the text is made at all.
    ['JSON sent as text/plain after white space', answer([['Content-Type', 'text/plain']], ' \r\n\t\f\v[{"password":"LivePlain"}]')],
    ['JSON without a type after Unicode white space', answer([], '\u00a0\u2028{"token":"LiveUnicode"}')],
  ];
  for (const [name, r] of cases) {
    it(`the same headers and body as through an exchange: ${name}`, () => {
      const got = redactObserved(r);
      const want = viaExchange(r);
      expect(got.headers).toEqual(want.headers);
      expect(Buffer.from(got.body)).toEqual(want.body);
      expect(JSON.stringify(got.headers) + Buffer.from(got.body).toString('latin1')).not.toMatch(/Live/);
      expect(got.tag).toBe('kept');
      expect(got.status).toBe(200);
    });
  }

  it('an answer with nothing to redact is returned as it is, the same object', () => {
    const r = answer([['Content-Type', 'application/json'], ['Content-Length', '8']], '{"id":1}');
    expect(redactObserved(r)).toBe(r);
    // Prose, not a form (text/plain that can only be a form is redacted: redact-form-sniff.test.ts).
    const plain = answer([['Content-Type', 'text/plain']], 'the token=NotAField');
    expect(redactObserved(plain)).toBe(plain);
    const untyped = answer([], '  "token": "NotAnObject"');
    expect(redactObserved(untyped)).toBe(untyped);
  });

  it('with redaction off, every answer is returned as it is', () => {
    const r = answer([['Set-Cookie', 'sid=Kept']], 'ok');
    expect(createResponseRedactor({ enabled: false })(r)).toBe(r);
  });
});
