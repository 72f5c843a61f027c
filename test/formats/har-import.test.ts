import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCaptureFile } from '../../src/formats/capture-file.js';
import { harRequestHeaders } from '../../src/formats/har-request.js';
import { tempDir } from '../helpers/tmp.js';
import { collect } from '../helpers/http-exchanges.js';
import { listenLoopback } from '../helpers/listen.js';

// HAR files in the shapes browsers and Windows tools write them (our own fixtures, written per test).
const dir = tempDir('shadowtap-har-');
const cli = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, ['dist/cli/main.js', ...args], { encoding: 'utf8', timeout: 30_000 });

type Hdr = { name: string; value: string };
function entry(url: string, headers: Hdr[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    startedDateTime: '2026-12-04T10:00:00.000Z',
    time: 12,
    request: { method: 'GET', url, httpVersion: 'h2', cookies: [], headers, queryString: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: '', httpVersion: 'h2', cookies: [], headers: [{ name: 'content-type', value: 'text/plain' }], content: { size: 2, mimeType: 'text/plain', text: 'ok' }, redirectURL: '', headersSize: -1, bodySize: 2 },
    cache: {},
    timings: { send: 1, wait: 10, receive: 1 },
    ...extra,
  };
}
const har = (entries: unknown[]): string => JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } });
// Chrome's export of an HTTP/2 request: pseudo-headers first, no Host.
const chromeH2: Hdr[] = [
  { name: ':authority', value: 'shop.example.com' },
  { name: ':method', value: 'GET' },
  { name: ':path', value: '/cart?id=7' },
  { name: ':scheme', value: 'https' },
  { name: 'accept', value: '*/*' },
];

function convertAndBack(name: string, text: string): { jsonl: string; back: { log: { entries: { request: { url: string; httpVersion: string; headers: Hdr[] } }[] } } } {
  const src = join(dir, `${name}.har`);
  writeFileSync(src, text);
  const jsonl = join(dir, `${name}.jsonl`);
  const conv = cli('convert', src, jsonl);
  expect(conv.stderr).not.toMatch(/not a HAR/);
  expect(conv.status).toBe(0);
  const cat = cli('cat', jsonl, '--format', 'har');
  expect(cat.status).toBe(0);
  return { jsonl, back: JSON.parse(cat.stdout) };
}

describe('HAR import and export', () => {
  it('HTTP/2 pseudo-headers never become headers; :authority gives Host; version and scheme kept; export gives the entry back', async () => {
    const { jsonl, back } = convertAndBack('h2', har([entry('https://shop.example.com/cart?id=7', chromeH2)]));
    const [ex] = await collect(readCaptureFile(jsonl));
    expect(ex!.request.headers).toEqual([{ name: 'Host', value: 'shop.example.com' }, { name: 'accept', value: '*/*' }]);
    expect(ex!.request.target).toBe('/cart?id=7');
    expect(ex!.request.httpVersion).toBe('h2');
    expect(ex!.response!.httpVersion).toBe('h2');
    const out = back.log.entries[0]!.request;
    expect(out.url).toBe('https://shop.example.com/cart?id=7');
    expect(out.headers).toEqual(chromeH2);
    expect(out.httpVersion).toBe('h2');
  });

  it('exported pseudo-headers repeat the request as it is now (a redacted target does not come back in clear through :path)', async () => {
    const { jsonl } = convertAndBack('h2-redact', har([entry('https://shop.example.com/cart?token=s3cret', chromeH2)]));
    const [ex] = await collect(readCaptureFile(jsonl));
    const redacted = { ...ex!.request, target: '/cart?token=redacted:0011' };
    expect(harRequestHeaders(redacted).find((h) => h.name === ':path')).toEqual({ name: ':path', value: '/cart?token=redacted:0011' });
    expect(JSON.stringify(harRequestHeaders(redacted))).not.toContain('s3cret');
  });

  it('replaying an HTTP/2 entry sends no pseudo-headers, and --preserve-host sends the Host taken from :authority', async () => {
    const { jsonl } = convertAndBack('h2-replay', har([entry('https://shop.example.com/cart?id=7', chromeH2)]));
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.end('ok');
    });
    const port = await listenLoopback(server);
    try {
      const results = join(dir, 'h2-replay.results.jsonl');
      // spawn, not spawnSync: this process must keep serving while the replay runs
      const child = spawn(process.execPath, ['dist/cli/main.js', 'replay', jsonl, '--target', `http://127.0.0.1:${port}`, '--speed', '0', '--preserve-host', '--no-env-proxy', '--quiet', '--results', results], { stdio: 'ignore' });
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(readFileSync(results, 'utf8').trim().split('\n').map((l) => JSON.parse(l).error ?? null)).toEqual([null]);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.host).toBe('shop.example.com');
      expect(Object.keys(seen[0]!).filter((k) => k.startsWith(':'))).toEqual([]);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  it('an HTTP/2 entry without pseudo-headers or Host (Firefox, mitmproxy) takes Host from its URL, not "localhost"', async () => {
    const { jsonl, back } = convertAndBack('noauth', har([entry('https://api.example.com:8443/v1', [{ name: 'accept', value: '*/*' }])]));
    const [ex] = await collect(readCaptureFile(jsonl));
    expect(ex!.request.headers[0]).toEqual({ name: 'Host', value: 'api.example.com:8443' });
    expect(back.log.entries[0]!.request.url).toBe('https://api.example.com:8443/v1');
    expect(back.log.entries[0]!.request.headers).toEqual([{ name: 'accept', value: '*/*' }]);
  });

  it('keeps the https scheme of HTTP/1.1 entries through convert and cat --format har', () => {
    const e = entry('https://www.example.com/a?b=1', [{ name: 'Host', value: 'www.example.com' }]);
    (e.request as { httpVersion: string }).httpVersion = 'HTTP/1.1';
    const { back } = convertAndBack('https', har([e, entry('http://plain.example.com/', [{ name: 'Host', value: 'plain.example.com' }])]));
    expect(back.log.entries.map((x) => x.request.url)).toEqual(['https://www.example.com/a?b=1', 'http://plain.example.com/']);
  });

  it('accepts a HAR that starts with a UTF-8 byte order mark', async () => {
    const { jsonl } = convertAndBack('bom', '\uFEFF' + har([entry('https://shop.example.com/', chromeH2)]));
    expect(await collect(readCaptureFile(jsonl))).toHaveLength(1);
  });

  it('an entry without startedDateTime is named in a warning and given the time of the entry before it; the file is kept', async () => {
    const undated = entry('https://shop.example.com/2', chromeH2);
    delete undated.startedDateTime;
    const later = entry('https://shop.example.com/3', chromeH2, { startedDateTime: '2026-12-04T10:00:05.000Z' });
    const src = join(dir, 'undated.har');
    writeFileSync(src, har([entry('https://shop.example.com/1', chromeH2), undated, later]));
    const jsonl = join(dir, 'undated.jsonl');
    const conv = cli('convert', src, jsonl);
    expect(conv.status).toBe(0);
    expect(conv.stderr).toMatch(/log\.entries\[1\].*startedDateTime/);
    const got = await collect(readCaptureFile(jsonl));
    const t0 = Date.parse('2026-12-04T10:00:00.000Z') * 1000;
    expect(got.map((x) => x.timing.requestStartUs)).toEqual([t0, t0, t0 + 5_000_000]);
  });

  it('a file whose entries all lack startedDateTime still converts, with one warning counting them', () => {
    const entries = Array.from({ length: 12 }, (_, i) => {
      const e = entry(`https://shop.example.com/${i}`, chromeH2);
      delete e.startedDateTime;
      return e;
    });
    const src = join(dir, 'none-dated.har');
    writeFileSync(src, har(entries));
    const conv = cli('convert', src, join(dir, 'none-dated.jsonl'));
    expect(conv.status).toBe(0);
    expect(conv.stderr).toMatch(/\[0\].*\[9\] and 2 more \(12 of/);
    expect(readFileSync(join(dir, 'none-dated.jsonl'), 'utf8').trim().split('\n')).toHaveLength(13); // + the header line
  });
});
