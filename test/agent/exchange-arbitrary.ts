import fc from 'fast-check';
import type { Body, Exchange, Header } from '../../src/exchange.js';
import { makeBody } from '../../src/body.js';

/** Generated exchanges for property tests of the capture writer and redaction: every optional part, odd strings and numbers. */
// Strings that JSON must escape (quotes, backslashes, control characters, lone and paired surrogates), and plain ones.
export const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('', 'a"b', 'c\\d', '\u0000\u001f\n', '\ud800x', 'x\udc00', '😀', 'é', '\u2028'));
// Names redaction treats (in any case) as well as arbitrary ones.
const headerName = fc.oneof(text, fc.constantFrom('Authorization', 'cookie', 'Set-Cookie', 'X-API-KEY', 'Location', 'referer', 'Content-Location', 'Content-Type', 'Host'));
const header = fc.record({ name: headerName, value: fc.oneof(text, fc.constantFrom('Bearer abc', 'a=1; b=2', 'http://u:p@h/x?token=1', 'application/x-www-form-urlencoded')) }) as fc.Arbitrary<Header>;
const headers = fc.array(header, { maxLength: 4 });
const body: fc.Arbitrary<Body> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => makeBody(b)),
  fc.string({ unit: 'binary', maxLength: 300 }).map((s) => makeBody(Buffer.from(s))),
  fc.constantFrom('a=1&token=secret&sig=2', 'password=x').map((s) => makeBody(Buffer.from(s))),
  // Larger than one 64 KiB batch buffer: the line moves to a buffer of its own.
  fc.integer({ min: 60_000, max: 200_000 }).map((n) => makeBody(Buffer.alloc(n, 'q'), n + 5, n)),
);
const us = fc.integer({ min: 1_600_000_000_000_000, max: 1_900_000_000_000_000 });
export const exchange: fc.Arbitrary<Exchange> = fc
  .record(
    {
      id: text,
      start: us,
      gaps: fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 3, maxLength: 3 }),
      target: fc.oneof(text, fc.constantFrom('/a?x=1&token=2', 'http://h/p?q=%20#f', '/p?a=%zz')),
      reqHeaders: fc.oneof(headers, fc.tuple(headers, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded')).map(([h, type]) => [{ name: 'Host', value: 'example.test' }, { name: 'Content-Type', value: type }, ...h])),
      reqBody: fc.option(body, { nil: undefined }),
      res: fc.option(fc.record({ status: fc.integer({ min: 100, max: 599 }), reason: text, headers, body: fc.option(body, { nil: undefined }) }), { nil: undefined }),
      connection: fc.option(fc.record({ clientIp: text, clientPort: fc.nat(65535), serverIp: text, serverPort: fc.nat(65535) }), { nil: undefined }),
      flags: fc.option(fc.subarray(['gap', 'no-response', 'response-truncated'] as const), { nil: undefined }),
      source: fc.option(fc.record({ capture: text, kind: fc.constantFrom('proxy', 'pcap') as fc.Arbitrary<'proxy' | 'pcap'> }), { nil: undefined }),
      trailers: fc.option(headers, { nil: undefined }),
      interim: fc.boolean(),
      // Records as another tool's HAR may hold them: other key order, extra and undefined keys.
      foreign: fc.boolean(),
      odd: fc.oneof(fc.double(), fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 1000), fc.constantFrom(-0, 1e21, 2 ** 53, 123456789012.345)),
    },
    { requiredKeys: ['id', 'start', 'gaps', 'target', 'reqHeaders'] },
  )
  .map((g) => {
    const [a = 0, b = 0, c = 0] = g.gaps ?? [];
    const ex: Exchange = {
      id: g.id!,
      timing: { requestStartUs: g.start!, requestEndUs: g.start! + a },
      request: { method: 'POST', target: g.target!, httpVersion: 'HTTP/1.1', headers: g.reqHeaders! },
    };
    if (g.reqBody) ex.request.body = g.reqBody;
    if (g.trailers) ex.request.trailers = g.trailers;
    if (g.res) {
      ex.timing.responseStartUs = ex.timing.requestEndUs + b;
      ex.timing.responseEndUs = ex.timing.responseStartUs + c;
      ex.response = { status: g.res.status, reason: g.res.reason, httpVersion: 'HTTP/1.1', headers: g.res.headers };
      if (g.res.body) ex.response.body = g.res.body;
      if (g.trailers) ex.response.trailers = [...g.trailers].reverse();
      if (g.interim) ex.response.interim = [{ status: 100, reason: 'Continue', headers: g.res.headers, atUs: g.start! + 1 }];
    }
    if (g.connection) ex.connection = g.connection;
    if (g.flags) ex.flags = [...g.flags];
    if (g.source) ex.source = g.source;
    if (g.foreign) {
      ex.request.headers = ex.request.headers.map((h) => ({ value: h.value, name: h.name, comment: 'c', skipped: undefined }) as Header);
      ex.timing = { responseEndUs: g.odd, ...ex.timing, requestEndUs: ex.timing.requestEndUs + 0.5 };
      if (!ex.response) ex.timing.responseEndUs = g.odd;
    }
    return ex;
  });
