import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { createRedactor, setProcessKey } from '../../src/stages/redact/index.js';
import { readSettings } from '../../src/config/settings.js';
import { headerValue, type Exchange } from '../../src/exchange.js';
import { CaptureWriter } from '../../src/formats/capture-file.js';
import { writeGorFile } from '../../src/formats/gor.js';
import { writeHarFile } from '../../src/formats/har-file.js';
import { runFlow } from '../helpers/http-feed.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-redact-');
const SECRETS = ['tok-SECRET-1', 'c00kieS3cret', 'sessS3cret', 'apiKeyS3cret', 'qTokenS3cret', 'customS3cret', 'sigS3cret', 'formPassS3cret', 'locS3cret', 'proxyPassS3cret', 'userinfoS3cret'];
const basic = Buffer.from('alice:proxyPassS3cret').toString('base64');

const request =
  'POST http://bob:userinfoS3cret@shop.test/login?token=qTokenS3cret&sig=sigS3cret&page=2 HTTP/1.1\r\n' +
  'Host: shop.test\r\nAuthorization: Bearer tok-SECRET-1\r\nProxy-Authorization: Basic ' + basic + '\r\n' +
  'Cookie: theme=dark; sid=c00kieS3cret\r\nX-Api-Key: apiKeyS3cret\r\nX-Internal: customS3cret\r\n' +
  'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 32\r\n\r\nuser=alice&password=formPassS3cret';
const response =
  'HTTP/1.1 302 Found\r\nSet-Cookie: session=sessS3cret; Path=/; HttpOnly\r\nLocation: /home?access_token=locS3cret\r\nContent-Length: 0\r\n\r\n';

function captured(): Exchange[] {
  const body = 'user=alice&password=formPassS3cret';
  const req = request.replace('Content-Length: 32', `Content-Length: ${body.length}`);
  return runFlow([{ dir: 'request', data: req }, { dir: 'response', data: response }]).exchanges;
}

describe('redaction', () => {
  const key = { bytes: Buffer.from('fixed test key, long enough'), source: 'test' };
  const redact = createRedactor({ enabled: true, headers: ['X-Internal'], queryParams: ['sig'], key });

  it('replaces credentials with a keyed hash, keeping names, schemes and cookie attributes', () => {
    const [raw] = captured();
    expect(headerValue(raw!.request.headers, 'authorization')).toBe('Bearer tok-SECRET-1');
    const ex = redact(raw!);
    const rq = ex.request.headers;
    expect(headerValue(rq, 'authorization')).toMatch(/^Bearer redacted:[0-9a-f]{16}$/);
    expect(headerValue(rq, 'proxy-authorization')).toMatch(/^Basic redacted:[0-9a-f]{16}$/);
    expect(headerValue(rq, 'cookie')).toMatch(/^theme=redacted:[0-9a-f]{16}; sid=redacted:[0-9a-f]{16}$/);
    expect(headerValue(rq, 'x-internal')).toMatch(/^redacted:/);
    expect(headerValue(rq, 'host')).toBe('shop.test');
    expect(ex.request.target).toMatch(/^http:\/\/bob:redacted:[0-9a-f]{16}@shop\.test\/login\?token=redacted:[0-9a-f]{16}&sig=redacted:[0-9a-f]{16}&page=2$/);
    expect(ex.request.body?.text).toMatch(/^user=alice&password=redacted:[0-9a-f]{16}$/);
    expect(headerValue(ex.response!.headers, 'set-cookie')).toMatch(/^session=redacted:[0-9a-f]{16}; Path=\/; HttpOnly$/);
    expect(headerValue(ex.response!.headers, 'location')).toMatch(/^\/home\?access_token=redacted:/);
    expect(raw!.request.headers).not.toBe(rq); // the input is not mutated
  });

  it('equal secrets stay equal, different ones differ; the key decides', () => {
    const a = createRedactor({ enabled: true, key })(captured()[0]!);
    const b = redact(captured()[0]!);
    expect(headerValue(a.request.headers, 'authorization')).toBe(headerValue(b.request.headers, 'authorization'));
    const other = createRedactor({ enabled: true, key: { bytes: Buffer.from('another key, also long enough'), source: 'test' } })(captured()[0]!);
    expect(headerValue(other.request.headers, 'authorization')).not.toBe(headerValue(a.request.headers, 'authorization'));
    const cookie = headerValue(a.request.headers, 'cookie')!.split('; ').map((c) => c.split('=')[1]);
    expect(cookie[0]).not.toBe(cookie[1]);
    const off = createRedactor({ enabled: false })(captured()[0]!);
    expect(headerValue(off.request.headers, 'authorization')).toBe('Bearer tok-SECRET-1');
  });

  it('without a key: the process key set at the edge (SHADOWTAP_REDACT_KEY) when there is one, else one random key per process', () => {
    const auth = (r: (ex: Exchange) => Exchange): string | undefined => headerValue(r(captured()[0]!).request.headers, 'authorization');
    const saved = process.env.SHADOWTAP_REDACT_KEY;
    try {
      setProcessKey(readSettings({ SHADOWTAP_REDACT_KEY: 'from-env: 7f3a9c1e5b' }).redactKey);
      expect(auth(createRedactor({ enabled: true }))).toBe(auth(createRedactor({ enabled: true, key: { bytes: Buffer.from('from-env: 7f3a9c1e5b'), source: 'test' } })));
      // Deep modules never read the environment: only the edge's setting counts.
      process.env.SHADOWTAP_REDACT_KEY = 'another one, 5c8e1f0a9b2d';
      expect(auth(createRedactor({ enabled: true }))).toBe(auth(createRedactor({ enabled: true, key: { bytes: Buffer.from('from-env: 7f3a9c1e5b'), source: 'test' } })));
      setProcessKey(undefined);
      const random = auth(createRedactor({ enabled: true }));
      expect(random).toBe(auth(createRedactor({ enabled: true })));
      expect(random).not.toBe(auth(createRedactor({ enabled: true, key: { bytes: Buffer.from('from-env: 7f3a9c1e5b'), source: 'test' } })));
      setProcessKey('aaaaaaaaaaaaaaaaaaaa');
      expect(() => createRedactor({ enabled: true })).toThrow(/SHADOWTAP_REDACT_KEY: the redaction key is guessable/);
    } finally {
      setProcessKey(undefined);
      if (saved === undefined) delete process.env.SHADOWTAP_REDACT_KEY;
      else process.env.SHADOWTAP_REDACT_KEY = saved;
    }
  });

  it('no secret value appears anywhere in the written files (jsonl, jsonl.gz, .gor, .har)', async () => {
    const exs = captured().map(redact);
    const files: string[] = [];
    for (const name of ['out.jsonl', 'out.jsonl.gz']) {
      const w = CaptureWriter.open(join(dir, name), { redaction: { enabled: true } });
      for (const ex of exs) await w.write(ex);
      await w.close();
      files.push(join(dir, name));
    }
    async function* each(): AsyncGenerator<Exchange> {
      yield* exs;
    }
    await writeGorFile(join(dir, 'out.gor'), each());
    await writeHarFile(join(dir, 'out.har'), each());
    files.push(join(dir, 'out.gor'), join(dir, 'out.har'));
    for (const f of files) {
      let bytes = readFileSync(f);
      if (f.endsWith('.gz')) bytes = gunzipSync(bytes);
      const text = bytes.toString('latin1');
      expect(text).toContain('redacted:');
      for (const s of [...SECRETS, basic]) expect(text.includes(s), `${s} in ${f}`).toBe(false);
    }
  });
});
