import { describe, expect, it } from 'vitest';
import { findStartLine } from '../../src/http1/resync.js';
import { runFlow } from '../helpers/http-feed.js';

// The parser is fed buf[start..end) of a larger buffer (a read chunk, the reader thread's ring): after
// lost sync, the start line it looks for must lie within the bytes fed, never in what follows them.

describe('resync within the bytes fed', () => {
  const buf = Buffer.from('noise noise\nGET /in HTTP/1.1\r\nmore noise\nGET /past HTTP/1.1\r\n', 'latin1');
  const past = buf.indexOf('GET /past');

  it('finds a start line before the end and none past it, for either kind', () => {
    expect(findStartLine('request', buf, 0, past)).toBe(buf.indexOf('GET /in'));
    expect(findStartLine('request', buf, buf.indexOf('more'), past)).toBe(-1);
    expect(findStartLine('request', buf, buf.indexOf('more'))).toBe(past);
    // A start line whose LF lies past the end is not complete yet.
    expect(findStartLine('request', buf, buf.indexOf('more'), buf.length - 1)).toBe(-1);
    const res = Buffer.from('xx HTTP/1.1 200 OK\r\n', 'latin1');
    expect(findStartLine('response', res, 0, res.length - 1)).toBe(-1);
    expect(findStartLine('response', res, 0)).toBe(3);
  });

  it('non-HTTP lines ending in LF (RESP integers), packet after packet, then a request: only it is read', () => {
    const noise = Array.from({ length: 50 }, (_, i) => ({ dir: 'request' as const, data: `:${i}\r\n` }));
    const { exchanges, stats } = runFlow([...noise, { dir: 'request', data: 'GET /late HTTP/1.1\r\nHost: h\r\n\r\n' }, { dir: 'response', data: 'HTTP/1.1 204 No Content\r\n\r\n' }]);
    expect(exchanges.map((e) => `${e.request.method} ${e.request.target} ${e.response?.status}`)).toEqual(['GET /late 204']);
    expect(stats.nonHttpBytes).toBe(noise.reduce((n, e) => n + e.data.length, 0));
  });
});
