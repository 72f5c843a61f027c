import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NO_HEADERS, parseHead } from '../../src/http1/head.js';
import { exchange } from '../agent/exchange-arbitrary.js';
import { runFlow } from '../helpers/http-feed.js';
import { listed, tsvLine } from '../helpers/listing.js';

// The tsv listing (cat --format tsv): the head parser in summary mode, lines written as bytes. Each piece
// must give exactly what the general path gives.

/** Start-line material: the shapes that matter (tokens, spaces, controls, versions, non-ASCII). */
const piece = fc.constantFrom('GET', 'POST', 'M-SEARCH', 'get', '/', '/a?b=c', '*', 'a.test:443', ' ', '  ', '\t', '\x01', '\x7f', 'é', '\xff', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/1.9', 'HTTP/2.0', '200', '404', 'OK', 'Not Found', '2x0', 'x'.repeat(30));
const line = fc.array(piece, { maxLength: 7 }).map((parts) => parts.join(''));
const spaced = fc.array(piece, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(' '));
const word = fc.oneof(piece, fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));
const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/1.2', 'HTTP/1.x', 'HTTP/11', 'http/1.1');
const request = fc.tuple(word, word, version, fc.constantFrom(' ', '  ', '\t')).map(([m, t, v, sp]) => `${m}${sp}${t}${sp === '\t' ? ' ' : sp}${v}`);
const status = fc.tuple(version, fc.constantFrom('200', '404', '101', '2x0', '20'), fc.oneof(fc.constant(''), fc.constant(' '), word.map((w) => ` ${w}`))).map(([v, c, r]) => `${v} ${c}${r}`);

describe('the summary driver of the head parser', () => {
  const headerLine = fc.oneof(
    fc.constantFrom('Host: h', 'Content-Length: 5', 'content-length : 7', 'CONTENT-LENGTH: 1, 1', 'Transfer-Encoding: chunked', 'transfer-encoding:gzip', 'Upgrade: websocket', '  folded', '\tfold', 'no colon', ': empty name', 'X-\xe9: v', 'K\u212Aelvin: 1'),
    fc.tuple(word, word).map(([n, v]) => `${n}: ${v}`),
  );
  const head = fc.tuple(fc.oneof(request, status, line, spaced), fc.array(headerLine, { maxLength: 6 }), fc.constantFrom('\r\n', '\n')).map(([first, hs, eol]) => [first, ...hs].join(eol) + eol + eol);

  it('accepts and rejects the heads the full parse does, with the same start line and framing, and no header list', () => {
    let accepted = 0;
    fc.assert(
      fc.property(head, (text) => {
        const buf = Buffer.from(`xx${text}`, 'latin1');
        for (const kind of ['request', 'response'] as const) {
          const full = parseHead(kind, buf, 2, buf.length);
          const summary = parseHead(kind, buf, 2, buf.length, true);
          expect(summary === undefined).toBe(full === undefined);
          if (!full || !summary) continue;
          accepted++;
          const facts = (h: typeof full) => [h.method, h.target, h.status, h.reason, h.httpVersion, h.contentLength, h.transferEncoding, h.upgrade];
          expect(facts(summary)).toEqual(facts(full));
          expect(summary.headers).toBe(NO_HEADERS);
        }
      }),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(100); // not a property that holds because every head is refused
  });

  it('the usual heads: start line and framing, no header list', () => {
    const req = Buffer.from('GET /index.html HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n');
    expect(parseHead('request', req, 0, req.length, true)).toMatchObject({ method: 'GET', target: '/index.html', httpVersion: 'HTTP/1.1', contentLength: '3', headers: [] });
    const res = Buffer.from('HTTP/1.0 404 Not Found\r\nX-A: 1\r\n  fold\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(parseHead('response', res, 0, res.length, true)).toMatchObject({ status: 404, reason: 'Not Found', httpVersion: 'HTTP/1.0', transferEncoding: 'chunked' });
  });
});

describe('summary heads inside a flow', () => {
  it('a refused CONNECT, then a request on the same connection: the same exchanges and counts as the full parser', () => {
    // The 407 releases the held request bytes from inside the response's parse: a second scan runs before
    // the first one's result is used (this once lost the next response as non-HTTP).
    const req = 'CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n';
    const res = 'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello world\n';
    const events = [
      { dir: 'request' as const, data: req },
      { dir: 'response' as const, data: res },
    ];
    const full = runFlow(events);
    const summary = runFlow(events, 'fin', 1 << 20, true);
    expect(summary.stats).toEqual(full.stats);
    expect(summary.exchanges.map((e) => [e.request.method, e.request.target, e.response?.status])).toEqual([
      ['CONNECT', 'a.test:443', 407],
      ['GET', '/', 200],
    ]);
  });
});

describe('tsv lines as bytes', () => {
  const NONE = { enabled: false };
  it('the tsv output writes the bytes of tsvLine, for any exchange (unicode targets, negative or huge numbers)', async () => {
    const numbers = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: 0, max: 2 ** 53 }), fc.constantFrom(0, -1, 1e8, 1e8 - 1, 1e16, 2 ** 53 + 2, 1.5, -0));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(exchange, numbers, numbers), { maxLength: 40 }), async (items) => {
        const all = items.map(([ex, start, end]) => ({ ...ex, timing: { ...ex.timing, requestStartUs: start, ...(ex.response ? { responseStartUs: end } : {}) } }));
        const expected = Buffer.from(all.map(tsvLine).join(''), 'utf8').toString('utf8');
        expect(await listed('tsv', [all.slice(0, 7), all.slice(7)], NONE)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('lines longer than a batch are written whole', async () => {
    const ex = { id: '1.1', timing: { requestStartUs: 1, requestEndUs: 2 }, connection: { clientIp: '', clientPort: 0, serverIp: '', serverPort: 0 }, request: { method: 'GET', target: '/' + 'é'.repeat(100_000), httpVersion: 'HTTP/1.1', headers: [] } };
    expect(await listed('tsv', [[ex, ex], [ex]], NONE)).toBe(tsvLine(ex).repeat(3));
  });
});
