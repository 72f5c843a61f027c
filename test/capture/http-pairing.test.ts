import { describe, expect, it } from 'vitest';
import { createHttpSink, MAX_UNANSWERED } from '../../src/capture/http/index.js';
import { newCaptureStats } from '../../src/capture/tcp/stream-sink.js';
import { conn, runFlow, sliced } from '../helpers/http-feed.js';

const ok = (body: string): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: h\r\n\r\n`;

describe('HTTP/1.x pairing', () => {
  it('pipelining: N requests in one segment, N responses in one segment, paired in order', () => {
    const { exchanges, stats } = runFlow([
      { dir: 'request', data: get('/1') + get('/2') + get('/3') },
      { dir: 'response', data: ok('one') + ok('two') + ok('three') },
    ]);
    expect(exchanges.map((e) => [e.request.target, e.response?.body?.text])).toEqual([
      ['/1', 'one'],
      ['/2', 'two'],
      ['/3', 'three'],
    ]);
    expect(stats.exchanges).toBe(3);
    expect(stats.unpaired).toBe(0);
  });

  it('keep-alive: request/response turns on one connection, split at every position', () => {
    const req = get('/a') + 'POST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz' + get('/c');
    const res = ok('A') + ok('B') + ok('C');
    for (let i = 0; i < req.length; i += 3) {
      const { exchanges } = runFlow([...sliced('request', req, [i, i + 7]), ...sliced('response', res, [i, 2 * i])]);
      expect(exchanges.map((e) => `${e.request.method} ${e.request.target} ${e.response?.body?.text}`)).toEqual(['GET /a A', 'POST /b B', 'GET /c C']);
    }
  });

  it('Expect: 100-continue: interim 100 recorded, request paired with the final response', () => {
    const { exchanges } = runFlow([
      { dir: 'request', data: 'PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n', ts: 10 },
      { dir: 'response', data: 'HTTP/1.1 100 Continue\r\n\r\n', ts: 20 },
      { dir: 'request', data: 'data', ts: 30 },
      { dir: 'response', data: 'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n', ts: 40 },
    ]);
    expect(exchanges).toHaveLength(1);
    const ex = exchanges[0]!;
    expect(ex.request.body?.text).toBe('data');
    expect(ex.response?.status).toBe(201);
    expect(ex.response?.interim).toEqual([{ status: 100, reason: 'Continue', headers: [], atUs: 20 }]);
    expect(ex.timing).toEqual({ requestStartUs: 10, requestEndUs: 30, responseStartUs: 40, responseEndUs: 40 });
  });

  it('Upgrade 101: records the exchange, flags tunnel, counts the rest as tunnel bytes', () => {
    const frames = Buffer.from([0x81, 0x85, 1, 2, 3, 4, 0x47, 0x45, 0x54, 0x20, 0x2f]);
    const { exchanges, stats } = runFlow([
      { dir: 'request', data: 'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n' },
      { dir: 'request', data: frames },
      { dir: 'response', data: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n' },
      { dir: 'response', data: Buffer.concat([frames, Buffer.from(ok('not parsed'))]) },
      { dir: 'request', data: get('/not-a-request') },
    ]);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]!.flags).toEqual(['tunnel']);
    expect(exchanges[0]!.response?.status).toBe(101);
    expect(stats.nonHttpBytes).toBe(0);
    expect(stats.tunnelBytes).toBe(2 * frames.length + ok('not parsed').length + get('/not-a-request').length);
  });

  it('CONNECT 200 opens a tunnel; CONNECT 407 does not, and parsing goes on', () => {
    const tls = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]);
    const open = runFlow([
      { dir: 'request', data: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n' },
      { dir: 'response', data: 'HTTP/1.1 200 Connection established\r\n\r\n' },
      { dir: 'request', data: tls },
      { dir: 'response', data: tls },
    ]);
    expect(open.exchanges.map((e) => [e.request.target, e.response?.status, e.flags])).toEqual([['example.com:443', 200, ['tunnel']]]);
    expect(open.stats.tunnelBytes).toBe(2 * tls.length);
    const refused = runFlow([
      { dir: 'request', data: 'CONNECT example.com:443 HTTP/1.1\r\n\r\n' + get('/after') },
      { dir: 'response', data: 'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n' + ok('x') },
    ]);
    expect(refused.exchanges.map((e) => [e.request.target, e.response?.status])).toEqual([
      ['example.com:443', 407],
      ['/after', 200],
    ]);
  });

  it('non-HTTP bytes are counted and skipped; parsing resyncs on the next request line', () => {
    const junk = '\x00\x01binary junk\r\nmore junk without a request line\r\n';
    const { exchanges, stats } = runFlow([
      { dir: 'request', data: junk + 'xxGET /after-junk HTTP/1.1\r\n\r\n' },
      { dir: 'response', data: ok('fine') },
    ]);
    expect(exchanges.map((e) => [e.request.method, e.request.target, e.response?.status])).toEqual([['GET', '/after-junk', 200]]);
    expect(stats.nonHttpBytes).toBe(junk.length + 2);
  });

  it('a gap inside a Content-Length body keeps framing: flagged gap, the next exchange is intact', () => {
    const { exchanges, stats } = runFlow([
      { dir: 'request', data: get('/big') + get('/next') },
      { dir: 'response', data: 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' + 'a'.repeat(10) },
      { dir: 'response', gap: 50 },
      { dir: 'response', data: 'b'.repeat(40) + ok('next') },
    ]);
    expect(exchanges.map((e) => [e.request.target, e.response?.body?.size, e.response?.body?.truncated, e.flags])).toEqual([
      ['/big', 100, true, ['gap']],
      ['/next', 4, false, undefined],
    ]);
    expect(exchanges[0]!.response?.body?.text).toBe('a'.repeat(10));
    expect(stats.incomplete).toBe(1);
  });

  it('a gap in a head never stitches two messages: the cut one is flagged, parsing resyncs', () => {
    const { exchanges, stats } = runFlow([
      { dir: 'request', data: 'GET /cut HTTP/1.1\r\nHost: h\r\nX-Par' },
      { dir: 'request', gap: 300 },
      { dir: 'request', data: 'tial-tail: 1\r\n\r\n' + get('/resync') },
      { dir: 'response', data: ok('1') + ok('2') },
    ]);
    expect(exchanges.map((e) => [e.request.target, e.request.headers.length, e.flags])).toEqual([
      ['/cut', 1, ['gap']],
      ['/resync', 1, undefined],
    ]);
    expect(stats.nonHttpBytes).toBe('tial-tail: 1\r\n\r\n'.length);
  });

  it('requests without a response are emitted as no-response; responses without a request are counted', () => {
    const lone = runFlow([{ dir: 'response', data: ok('orphan') }]);
    expect(lone.exchanges).toHaveLength(0);
    expect(lone.stats.unpaired).toBe(1);
    const noRes = runFlow([{ dir: 'request', data: get('/1') + get('/2') }, { dir: 'response', data: ok('1') }], 'eof');
    expect(noRes.exchanges.map((e) => [e.request.target, e.flags])).toEqual([
      ['/1', undefined],
      ['/2', ['no-response']],
    ]);
    expect(noRes.stats.unpaired).toBe(1);
  });

  it('a flow whose responses are never seen does not hold its requests: the oldest go out as no-response', () => {
    const emitted: string[] = [];
    const stats = newCaptureStats();
    const sink = createHttpSink({ id: 'one-way', connection: conn }, { maxBodyBytes: 1024, stats }, (ex) => emitted.push(ex.request.target));
    for (let i = 0; i < MAX_UNANSWERED + 10; i++) {
      const b = Buffer.from(get(`/${i}`));
      sink.data('request', b, 0, b.length, i, -1);
    }
    expect(emitted).toEqual(Array.from({ length: 10 }, (_, i) => `/${i}`));
    sink.end('eof', 1e6);
    expect(emitted).toHaveLength(MAX_UNANSWERED + 10);
    expect(stats.unpaired).toBe(MAX_UNANSWERED + 10);
  });

  it('a request cut by the end of the capture is kept and flagged request-truncated', () => {
    const { exchanges, stats } = runFlow([{ dir: 'request', data: 'POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc' }], 'eof');
    expect(exchanges[0]!.flags).toEqual(['request-truncated', 'no-response']);
    expect(exchanges[0]!.request.body).toEqual({ text: 'abc', size: 10, truncated: true });
    expect(stats.incomplete).toBe(1);
  });
});
