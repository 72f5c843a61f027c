import { describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createRedactor } from '../../src/stages/redact/index.js';
import { headerValue, type Exchange, type Header } from '../../src/exchange.js';
import { bodyBytes } from '../../src/body.js';
import { runFlow } from '../helpers/http-feed.js';

const key = { bytes: Buffer.from('catches test key, 32 bytes long!'), source: 'test' };
const redact = createRedactor({ enabled: true, key });
const H = /redacted:[0-9a-f]{16}/;

/** One exchange parsed from raw request and response bytes, as a capture would record it. */
function exchange(request: string | Buffer, response = 'HTTP/1.1 204 No Content\r\n\r\n'): Exchange {
  const [ex] = runFlow([
    { dir: 'request', data: request },
    { dir: 'response', data: response },
  ]).exchanges;
  return ex!;
}
function post(target: string, headers: string, body: Buffer | string): Buffer {
  const b = Buffer.from(body);
  return Buffer.concat([Buffer.from(`POST ${target} HTTP/1.1\r\nHost: t\r\n${headers}Content-Length: ${b.length}\r\n\r\n`), b]);
}
const all = (hs: Header[], name: string): string[] => hs.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
const text = (ex: Exchange): string => JSON.stringify(ex);

describe('the redaction stage catches', () => {
  it('cookies without "=", every cookie of a comma-folded Set-Cookie, and a bare Set-Cookie value', () => {
    const ex = redact(
      exchange(
        'GET / HTTP/1.1\r\nHost: t\r\nCookie: BareCookieSecret\r\nCookie: a=1; BareTwo; b=CookieB\r\n\r\n',
        'HTTP/1.1 200 OK\r\nSet-Cookie: s1=FoldOne; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT, s2=FoldTwo; HttpOnly\r\nSet-Cookie: BareSetCookie; Path=/\r\nSet-Cookie: s3=X; Secure; Token=AttrSecret\r\nContent-Length: 0\r\n\r\n',
      ),
    );
    for (const s of ['BareCookieSecret', 'BareTwo', 'CookieB', 'FoldOne', 'FoldTwo', 'BareSetCookie', 'AttrSecret']) expect(text(ex)).not.toContain(s);
    const set = all(ex.response!.headers, 'set-cookie');
    expect(set[0]).toMatch(/^s1=redacted:\w+; Path=\/; Expires=Wed, 21 Oct 2037 07:28:00 GMT, s2=redacted:\w+; HttpOnly$/);
    expect(set[1]).toMatch(/^redacted:\w+; Path=\/$/);
    expect(all(ex.request.headers, 'cookie')[1]).toMatch(/^a=redacted:\w+; redacted:\w+; b=redacted:\w+$/);
  });

  it('credential-looking header names by pattern, in requests and responses; plain headers stay', () => {
    const names = ['X-Amz-Security-Token', 'X-Auth-Token', 'Api-Key', 'X-CSRF-Token', 'X-Vendor-Secret', 'X-Goog-Api-Key', 'Ocp-Apim-Subscription-Key', 'X-Auth-User'];
    const req = `GET / HTTP/1.1\r\nHost: t\r\nAccept: text/html\r\nX-Request-Id: keep-me\r\n${names.map((n, i) => `${n}: HdrSecret${i}\r\n`).join('')}\r\n`;
    const ex = redact(exchange(req, 'HTTP/1.1 200 OK\r\nX-Auth-Token: RespSecret\r\nContent-Length: 0\r\n\r\n'));
    for (let i = 0; i < names.length; i++) expect(headerValue(ex.request.headers, names[i]!)).toMatch(/^redacted:/);
    expect(headerValue(ex.response!.headers, 'x-auth-token')).toMatch(/^redacted:/);
    expect(headerValue(ex.request.headers, 'x-request-id')).toBe('keep-me');
    expect(headerValue(ex.request.headers, 'accept')).toBe('text/html');
    const extra = createRedactor({ enabled: true, key, headers: ['x-*-id'] })(exchange(req));
    expect(headerValue(extra.request.headers, 'x-request-id')).toMatch(/^redacted:/);
  });

  it('query forms (";" pairs, refresh_token, client_secret), fragments in Referer/Location, path parameters, userinfo', () => {
    const ex = redact(
      exchange(
        'GET /app;jsessionid=PathSecret/x;v=2?a=1;token=SemiSecret&refresh_token=RefSecret&client_secret=ClientSecret&page=3 HTTP/1.1\r\nHost: t\r\nReferer: https://idp.test/cb#access_token=FragSecret&state=ok\r\n\r\n',
        'HTTP/1.1 302 Found\r\nLocation: https://u:LocPass@app.test/next?x=1#/route?id_token=LocFrag\r\nContent-Length: 0\r\n\r\n',
      ),
    );
    for (const s of ['PathSecret', 'SemiSecret', 'RefSecret', 'ClientSecret', 'FragSecret', 'LocPass', 'LocFrag']) expect(text(ex)).not.toContain(s);
    expect(ex.request.target).toMatch(/^\/app;jsessionid=redacted:\w+\/x;v=2\?a=1;token=redacted:\w+&refresh_token=redacted:\w+&client_secret=redacted:\w+&page=3$/);
    expect(headerValue(ex.request.headers, 'referer')).toMatch(/#access_token=redacted:\w+&state=ok$/);
  });

  it('JSON request bodies (nested, in arrays), JSON without a content type, and OAuth token responses', () => {
    const json = '{"user":"bob","password":"JsonPass","deep":{"x":[{"api_key":"ArrKey"},{"token":42}],"Token":{"a":"ObjSecret"}},"n":12345678901234567890}';
    const token = '{"access_token":"OAuthAccess","token_type":"Bearer","refresh_token":"OAuthRefresh","id_token":"OAuthId","expires_in":3600}';
    const ex = redact(exchange(post('/login', 'Content-Type: application/json\r\n', json), `HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: ${token.length}\r\n\r\n${token}`));
    for (const s of ['JsonPass', 'ArrKey', 'ObjSecret', 'OAuthAccess', 'OAuthRefresh', 'OAuthId']) expect(text(ex)).not.toContain(s);
    const body = JSON.parse(ex.request.body!.text!) as Record<string, unknown>;
    expect(body.user).toBe('bob');
    expect(ex.request.body!.text).toContain('"n":12345678901234567890'); // numbers kept byte for byte
    expect(JSON.parse(ex.response!.body!.text!)).toMatchObject({ token_type: 'Bearer', expires_in: 3600, access_token: expect.stringMatching(H) });
    const bare = redact(exchange(post('/x', '', '{"password":"NoTypePass"}')));
    expect(text(bare)).not.toContain('NoTypePass');
    // a name spelled with escapes is found too (the quick pre-pass does not see it, so the scan runs)
    const escaped = redact(exchange(post('/x', 'Content-Type: application/json\r\n', '{"tok\\u0065n":"EscapedName"}')));
    expect(text(escaped)).not.toContain('EscapedName');
    // null, booleans and empty strings hold no secret: kept as they are (GitHub's "temp_clone_token": null)
    const empty = '{"temp_clone_token": null, "token": "", "secret_scanning": false, "password":true}';
    expect(redact(exchange(post('/e', 'Content-Type: application/json\r\n', empty))).request.body!.text).toBe(empty);
    // a HAR keeps content decoded under its Content-Encoding: that text is scanned, not hashed whole
    const har = '["JGcn43EwCMBu",43200,100]';
    const decoded = redact(exchange(post('/h', 'Content-Type: application/json\r\nContent-Encoding: gzip\r\n', har)));
    expect(decoded.request.body!.text).toBe(har);
    const withSecret = redact(exchange(post('/h', 'Content-Type: application/json\r\nContent-Encoding: gzip\r\n', '{"password":"HarDecoded"}')));
    expect(text(withSecret)).not.toContain('HarDecoded');
  });

  it('urlencoded, multipart and gzip-encoded form bodies; the gzip body stays gzip', () => {
    const boundary = '----b0undary';
    const multipart = [`--${boundary}`, 'Content-Disposition: form-data; name="user"', '', 'bob', `--${boundary}`, 'Content-Disposition: form-data; name="password"', '', 'MultiPass', `--${boundary}`, 'Content-Disposition: form-data; name="f"; filename="password.txt"', 'Content-Type: text/plain', '', 'file text', `--${boundary}--`, ''].join('\r\n');
    const m = redact(exchange(post('/up', `Content-Type: multipart/form-data; boundary=${boundary}\r\n`, multipart)));
    expect(text(m)).not.toContain('MultiPass');
    expect(m.request.body!.text).toContain('name="user"\r\n\r\nbob\r\n');
    expect(m.request.body!.text).toContain('file text');
    const form = redact(exchange(post('/f', 'Content-Type: application/x-www-form-urlencoded\r\n', 'user=bob&pass%77ord=FormPass&x=1')));
    expect(form.request.body!.text).toMatch(/^user=bob&pass%77ord=redacted:\w+&x=1$/);
    const gz = redact(exchange(post('/g', 'Content-Type: application/x-www-form-urlencoded\r\nContent-Encoding: gzip\r\n', gzipSync('user=bob&password=GzPass'))));
    const plain = gunzipSync(bodyBytes(gz.request.body)).toString();
    expect(plain).toMatch(/^user=bob&password=redacted:\w+$/);
    expect(headerValue(gz.request.headers, 'content-encoding')).toBe('gzip');
  });

  it('keeps framing valid: Content-Length and the body size follow the redacted bytes', () => {
    for (const ex of [
      redact(exchange(post('/f', 'Content-Type: application/x-www-form-urlencoded\r\n', 'password=pw'))),
      redact(exchange(post('/g', 'Content-Type: application/x-www-form-urlencoded\r\nContent-Encoding: gzip\r\n', gzipSync('password=GzPass')))),
      redact(exchange(post('/j', 'Content-Type: application/json\r\n', '{"token":"a-much-longer-token-than-the-hash-is-long-0123456789"}'))),
    ]) {
      const bytes = bodyBytes(ex.request.body).length;
      expect(ex.request.body!.size).toBe(bytes);
      expect(headerValue(ex.request.headers, 'content-length')).toBe(String(bytes));
    }
  });

  it('returns an exchange with nothing to redact as it is, and never changes its input', () => {
    const plain = exchange('GET /a?page=2 HTTP/1.1\r\nHost: t\r\nAccept: */*\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"id": 1}');
    expect(redact(plain)).toBe(plain);
    const secret = exchange(post('/f', 'Content-Type: application/x-www-form-urlencoded\r\n', 'password=pw'));
    const before = JSON.stringify(secret);
    redact(secret);
    expect(JSON.stringify(secret)).toBe(before);
  });
});

describe('redaction is idempotent', () => {
  it('a capture redacted under one key keeps its hashes when redacted again under another (credential maps stay valid)', () => {
    const first = redact(exchange('GET /a?token=QuerySecret HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer TokenSecret\r\nCookie: sid=SessionSecret\r\n\r\n'));
    const other = createRedactor({ enabled: true, key: { bytes: Buffer.from('another key, also 32 bytes long!'), source: 'test' } });
    const again = other(structuredClone(first));
    expect(text(first)).toMatch(H);
    expect(text(again)).toBe(text(first));
    // A fresh secret under the other key still hashes (differently).
    expect(text(other(exchange('GET / HTTP/1.1\r\nHost: t\r\nCookie: sid=SessionSecret\r\n\r\n')))).not.toContain('SessionSecret');
  });
});
