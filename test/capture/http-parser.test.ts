import { describe, expect, it } from 'vitest';
import { runFlow, shape, sliced, type FlowEvent } from '../helpers/http-feed.js';

const GET = 'GET /a?x=1 HTTP/1.1\r\nHost: h\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n';
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello';
const CHUNKED_UPLOAD = 'POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Sum: abc\r\n\r\n';
const CHUNKED_REPLY = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';

/** Feeds request then response, each split at every position `i`; all results must be equal. */
function everySplit(request: string, response: string, extra: FlowEvent[] = []): unknown[] {
  const results: unknown[] = [];
  const n = Math.max(request.length, response.length);
  for (let i = 0; i <= n; i++) {
    const { exchanges, stats } = runFlow([...sliced('request', request, [i]), ...sliced('response', response, [i]), ...extra]);
    expect(stats.nonHttpBytes).toBe(0);
    results.push(exchanges.map(shape));
  }
  for (const r of results) expect(r).toEqual(results[0]);
  return results[0] as unknown[];
}

describe('HTTP/1.x parser: framing, split at every byte', () => {
  it('Content-Length, raw headers (case, order, repeats kept)', () => {
    const [ex] = everySplit(GET, OK) as { reqHeaders: unknown; resBody: unknown; status: number; target: string }[];
    expect(ex!.target).toBe('/a?x=1');
    expect(ex!.reqHeaders).toEqual([
      { name: 'Host', value: 'h' },
      { name: 'X-Dup', value: '1' },
      { name: 'x-dup', value: '2' },
    ]);
    expect(ex!.status).toBe(200);
    expect(ex!.resBody).toEqual({ text: 'hello', size: 5, truncated: false });
  });

  it('chunked request with extensions and trailers; chunked response', () => {
    const [ex] = everySplit(CHUNKED_UPLOAD, CHUNKED_REPLY) as { reqBody: unknown; reqTrailers: unknown; resBody: unknown }[];
    expect(ex!.reqBody).toEqual({ text: 'Wikipedia', size: 9, truncated: false });
    expect(ex!.reqTrailers).toEqual([{ name: 'X-Sum', value: 'abc' }]);
    expect(ex!.resBody).toEqual({ text: 'abc', size: 3, truncated: false });
  });

  it('close-delimited response ends at FIN; at end of capture it is flagged truncated', () => {
    const res = 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end';
    const [ex] = everySplit('GET / HTTP/1.0\r\n\r\n', res, [{ halfClose: 'response' }]) as { resBody: { text: string }; flags?: string[] }[];
    expect(ex!.resBody.text).toBe('until the end');
    expect(ex!.flags).toBeUndefined();
    const eof = runFlow([{ dir: 'request', data: 'GET / HTTP/1.0\r\n\r\n' }, { dir: 'response', data: res }], 'eof');
    expect(eof.exchanges[0]!.flags).toEqual(['response-truncated']);
  });

  it('no body for HEAD, 204 and 304 even with Content-Length; bodies resume after them', () => {
    const reqs = 'HEAD /h HTTP/1.1\r\n\r\nGET /n HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\nGET /last HTTP/1.1\r\n\r\n';
    const ress =
      'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n' +
      'HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n' +
      'HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n' +
      OK;
    const exs = everySplit(reqs, ress) as { target: string; status: number; resBody?: unknown }[];
    expect(exs.map((e) => [e.target, e.status, e.resBody === undefined])).toEqual([
      ['/h', 200, true],
      ['/n', 204, true],
      ['/c', 304, true],
      ['/last', 200, false],
    ]);
  });

  it('a status line whose HTTP is not upper case ("http/1.1 200 OK") is a response, recorded as HTTP/1.1', () => {
    const [ex] = everySplit(GET, 'http/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello') as { status: number; resBody: unknown }[];
    expect(ex!.status).toBe(200);
    expect(ex!.resBody).toEqual({ text: 'hello', size: 5, truncated: false });
    const [mixed] = runFlow([...sliced('request', GET, []), ...sliced('response', 'Http/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n', [])]).exchanges;
    expect([mixed!.response?.status, mixed!.response?.httpVersion]).toEqual([404, 'HTTP/1.0']);
  });

  it('obs-fold joins continuation lines; bare LF line endings are accepted', () => {
    const req = 'GET /f HTTP/1.1\nHost: h\nX-Long: one\n  two\n\ttwo-b\n\n';
    const [ex] = everySplit(req, 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok') as { reqHeaders: unknown; resBody: { text: string } }[];
    expect(ex!.reqHeaders).toEqual([
      { name: 'Host', value: 'h' },
      { name: 'X-Long', value: 'one two two-b' },
    ]);
    expect(ex!.resBody.text).toBe('ok');
  });

  it('keeps bodies up to maxBodyBytes with the original size; binary bodies as base64', () => {
    const big = 'x'.repeat(5000);
    const { exchanges } = runFlow([{ dir: 'request', data: `POST /b HTTP/1.1\r\nContent-Length: 5000\r\n\r\n${big}` }, { dir: 'response', data: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n\xff\x00\x01' }], 'fin', 100);
    expect(exchanges[0]!.request.body).toEqual({ text: 'x'.repeat(100), size: 5000, truncated: true });
    expect(exchanges[0]!.response!.body).toEqual({ base64: Buffer.from([0xff, 0, 1]).toString('base64'), size: 3, truncated: false });
  });

  it('times request and response first/last byte from the data timestamps', () => {
    const { exchanges } = runFlow([
      { dir: 'request', data: 'POST /t HTTP/1.1\r\nContent-Length: 4\r\n\r\nab', ts: 100 },
      { dir: 'request', data: 'cd', ts: 150 },
      { dir: 'response', data: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n', ts: 900 },
      { dir: 'response', data: 'ok', ts: 1000 },
    ]);
    expect(exchanges[0]!.timing).toEqual({ requestStartUs: 100, requestEndUs: 150, responseStartUs: 900, responseEndUs: 1000 });
  });
});
