import { describe, expect, it } from 'vitest';
import { serverLatencyUs } from '../../src/exchange.js';
import { runFlow, sliced } from '../helpers/http-feed.js';

// Parser-level: every split of the bytes, in full and summary (listing) mode, gives the same exchanges.
function both(events: Parameters<typeof runFlow>[0]): ReturnType<typeof runFlow>[] {
  return [runFlow(events), runFlow(events, 'fin', 1 << 20, true)];
}
function everySplit(request: string, response: string): { method: string; target: string; status?: number; flags?: string[] }[] {
  let first: unknown;
  for (let i = 0; i <= request.length; i++) {
    for (const { exchanges, stats } of both([...sliced('request', request, [i]), ...sliced('response', response, [i])])) {
      expect(stats.nonHttpBytes).toBe(0);
      const got = exchanges.map((e) => ({ method: e.request.method, target: e.request.target, status: e.response?.status, flags: e.flags }));
      first ??= got;
      expect(got).toEqual(first);
    }
  }
  return first as { method: string; target: string; status?: number; flags?: string[] }[];
}
const reply = (code: number): string => `HTTP/1.1 ${code} X\r\nContent-Length: 2\r\n\r\nok`;

describe('Content-Length with leading zeros (1*DIGIT)', () => {
  it('frames the body, and the next request on the connection is kept', () => {
    const req = `POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: ${'0'.repeat(30)}50\r\n\r\n${'X'.repeat(50)}GET /next HTTP/1.1\r\nHost: t\r\n\r\n`;
    expect(everySplit(req, reply(200) + reply(404))).toEqual([
      { method: 'POST', target: '/up', status: 200, flags: undefined },
      { method: 'GET', target: '/next', status: 404, flags: undefined },
    ]);
    expect(runFlow([{ dir: 'request', data: req }]).exchanges[0]!.request.body?.size).toBe(50);
  });
});

describe('request lines that are not HTTP/1.x', () => {
  it('are recorded flagged malformed, paired with their answers, and later exchanges on the connection are kept', () => {
    const req = 'GET /uri afterspace HTTP/1.1\r\nHost: h\r\n\r\n' + 'GET / HTTP/1.\r\nHost: h\r\n\r\n' + 'OPTIONS\r\nHost: h\r\n\r\n' + 'CCM_POST /HTTP/1.1\r\nHost: h\r\n\r\n' + 'GET /ok HTTP/1.1\r\nHost: h\r\n\r\n';
    expect(everySplit(req, reply(400) + reply(200) + reply(400) + reply(400) + reply(200))).toEqual([
      { method: 'GET', target: '/uri', status: 400, flags: ['malformed'] },
      { method: 'GET', target: '/', status: 200, flags: ['malformed'] },
      { method: 'OPTIONS', target: '', status: 400, flags: ['malformed'] },
      { method: 'CCM_POST', target: '/HTTP/1.1', status: 400, flags: ['malformed'] },
      { method: 'GET', target: '/ok', status: 200, flags: undefined },
    ]);
  });

  it('a line that is not a header is left out, and the request kept flagged (a CONNECT still opens its tunnel)', () => {
    const { exchanges, stats } = runFlow([
      { dir: 'request', data: 'CONNECT mail.example:25 / HTTP/1.0\r\nMozilla 4.0 (compatible)\r\nX-Ok: 1\r\n\r\nHELO me\r\n' },
      { dir: 'response', data: 'HTTP/1.0 200 Connection established\r\n\r\n220 ready\r\n' },
    ]);
    expect(exchanges.map((e) => [e.request.method, e.request.target, e.request.httpVersion, e.request.headers, e.response?.status, e.flags])).toEqual([
      ['CONNECT', 'mail.example:25', 'HTTP/1.0', [{ name: 'X-Ok', value: '1' }], 200, ['tunnel', 'malformed']],
    ]);
    expect(stats.tunnelBytes).toBe('HELO me\r\n'.length + '220 ready\r\n'.length);
  });

  it('an unanswered malformed line is not taken for a request (SIP over TCP, an HTTP/2 preface): counted as unpaired', () => {
    for (const { exchanges, stats } of both([
      { dir: 'request', data: 'OPTIONS sip:probe@edge.test SIP/2.0\r\nVia: SIP/2.0/TCP x\r\nContent-Length: 0\r\n\r\n' },
      { dir: 'response', data: 'SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n' },
    ])) {
      expect(exchanges).toEqual([]);
      expect(stats.unpaired).toBe(1);
    }
    const h2c = runFlow([
      { dir: 'request', data: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x12\x04\x00\x00\x00\x00\x00' },
      { dir: 'response', data: '\x00\x00\x00\x04\x01\x00\x00\x00\x00' },
    ]);
    expect(h2c.exchanges).toEqual([]);
  });

  it('a malformed request with a body keeps its framing', () => {
    const req = 'POST /a b HTTP/1.1\r\nContent-Length: 4\r\n\r\nGET GET /next HTTP/1.1\r\n\r\n';
    expect(everySplit(req, reply(400) + reply(200)).map((e) => [e.target, e.status])).toEqual([
      ['/a', 400],
      ['/next', 200],
    ]);
  });

  it('text that is not at a message boundary (after skipped bytes or a gap, or not an upper-case method) is not taken for a request', () => {
    for (const { exchanges, stats } of both([
      { dir: 'request', data: 'tail of a body\r\n\r\nGET /a HTTP/1.1\r\n\r\n' },
      { dir: 'request', gap: 100 },
      { dir: 'request', data: 'MORE BODY\r\n\r\nGET /b HTTP/1.1\r\n\r\n' },
      { dir: 'response', data: reply(200) + reply(200) },
    ])) {
      expect(exchanges.map((e) => e.request.target)).toEqual(['/a', '/b']);
      expect(exchanges.every((e) => !e.flags?.includes('malformed'))).toBe(true);
      expect(stats.nonHttpBytes).toBe('tail of a body\r\n\r\n'.length + 'MORE BODY\r\n\r\n'.length);
    }
  });
});

describe('a response that starts before its request ended', () => {
  it('is flagged early-response, and server latency is measured from the request start (never negative)', () => {
    for (const { exchanges } of both([
      { dir: 'request', data: 'POST /up HTTP/1.1\r\nContent-Length: 6\r\n\r\nabc', ts: 1_000 },
      { dir: 'response', data: 'HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n', ts: 1_300 },
      { dir: 'request', data: 'def', ts: 21_000 },
    ])) {
      const [ex] = exchanges;
      expect(ex!.flags).toEqual(['early-response']);
      expect(serverLatencyUs(ex!)).toBe(300);
    }
  });

  it('an answer after the request ended is not flagged and is measured from the request end', () => {
    const { exchanges } = runFlow([
      { dir: 'request', data: 'POST /up HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc', ts: 1_000 },
      { dir: 'response', data: reply(200), ts: 1_300 },
    ]);
    expect(exchanges[0]!.flags).toBeUndefined();
    expect(serverLatencyUs(exchanges[0]!)).toBe(300);
  });
});
