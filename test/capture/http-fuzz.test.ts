import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MessageParser } from '../../src/http1/parser.js';
import { runFlow, shape, sliced, type FlowEvent } from '../helpers/http-feed.js';
import type { Exchange } from '../../src/exchange.js';

/** Real request/response pairs (curl, node, nginx shapes), concatenated into keep-alive streams. */
const PAIRS: [string, string][] = [
  ['GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Mon, 23 Nov 2026 06:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 12\r\n\r\nhello world\n'],
  ['POST /api/items HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"name":"x1"}', 'HTTP/1.1 201 Created\r\nLocation: /api/items/7\r\nContent-Length: 0\r\n\r\n'],
  ['PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-Check: 1\r\n\r\n', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n'],
  ['HEAD /big HTTP/1.1\r\nHost: h\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 99999\r\n\r\n'],
  ['POST /c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'],
  ['GET /gz HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00'],
  ['GET /nc HTTP/1.1\r\nIf-None-Match: "a"\r\n\r\n', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\nETag: "a"\r\n\r\n'],
  ['CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n', 'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n'],
  // after these two nothing more is HTTP on the connection: only the mutation property uses them
  ['GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x00'],
  ['GET /old HTTP/1.0\r\n\r\n', 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nclose-delimited body'],
];

/** FUZZ_RUNS=30000 for a long run; the suite default keeps this file to about a second. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

const streams = (idx: number[]): [string, string] => [idx.map((i) => PAIRS[i]![0]).join(''), idx.map((i) => PAIRS[i]![1]).join('')];
const KEEP_ALIVE = PAIRS.length - 2;
const pickKeepAlive = fc.array(fc.integer({ min: 0, max: KEEP_ALIVE - 1 }), { minLength: 1, maxLength: 6 });
const pick = fc.array(fc.integer({ min: 0, max: PAIRS.length - 1 }), { minLength: 1, maxLength: 6 });
const cuts = fc.array(fc.nat({ max: 2000 }), { maxLength: 12 });

interface Mutation {
  at: number;
  op: number;
  byte: number;
}
const mutations = fc.array(fc.record({ at: fc.nat({ max: 2000 }), op: fc.integer({ min: 0, max: 3 }), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 });

function mutate(s: string, ms: Mutation[]): Buffer {
  const b = [...Buffer.from(s, 'latin1')];
  for (const m of ms) {
    const at = b.length ? m.at % b.length : 0;
    if (m.op === 0) b[at] = m.byte;
    else if (m.op === 1) b.splice(at, 0, m.byte);
    else if (m.op === 2) b.splice(at, 1);
    else b.splice(at, 0, ...Buffer.from('\r\n\r\nGET /x HTTP/1.1\r\n'));
  }
  return Buffer.from(b);
}

describe('HTTP parser under fast-check', () => {
  it('any split of real keep-alive streams gives the same exchanges as whole segments', () => {
    fc.assert(
      fc.property(pickKeepAlive, cuts, cuts, (idx, rc, sc) => {
        const [req, res] = streams(idx);
        const whole = runFlow([{ dir: 'request', data: req }, { dir: 'response', data: res }]);
        const split = runFlow([...sliced('request', req, rc), ...sliced('response', res, sc)]);
        expect(split.exchanges.map(shape)).toEqual(whole.exchanges.map(shape));
        expect(whole.exchanges.map((e) => e.request.target)).toEqual(idx.map((i) => PAIRS[i]![0].split(' ')[1]));
        expect(split.stats.nonHttpBytes).toBe(0);
        expect(split.stats.unpaired).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated bytes, random splits, interleavings and gaps never throw or hang; every byte is accounted for', () => {
    fc.assert(
      fc.property(pick, mutations, mutations, cuts, fc.array(fc.nat({ max: 500 }), { maxLength: 3 }), fc.integer({ min: 0, max: 3 }), (idx, mq, ms, cut, gaps, order) => {
        const [req, res] = streams(idx);
        const rq = mutate(req, mq);
        const rs = mutate(res, ms);
        const a = sliced('request', rq, cut);
        const b = sliced('response', rs, cut);
        const events: FlowEvent[] = [];
        for (let i = 0; i < Math.max(a.length, b.length); i++) {
          if (a[i] && order !== 1) events.push(a[i]!);
          if (i < gaps.length) events.push({ dir: i % 2 ? 'request' : 'response', gap: gaps[i]! + 1 });
          if (a[i] && order === 1) events.push(a[i]!);
          if (b[i]) events.push(b[i]!);
          if (order === 2 && i === 2) events.push({ halfClose: 'response' });
        }
        const { exchanges, stats } = runFlow(events, order === 3 ? 'eof' : 'fin');
        expect(stats.exchanges).toBe(exchanges.length);
        // Parser level: http + non-HTTP + tunnel bytes add up to what was fed.
        for (const [kind, bytes] of [['request', rq], ['response', rs]] as const) {
          const p = new MessageParser(kind, { maxBodyBytes: 64 }, { onMessage: () => {}, methodFor: () => 'GET' });
          for (const e of sliced(kind, bytes, cut)) if ('data' in e) p.push(e.data as Buffer, 1);
          p.finish(false, 2);
          expect(p.unaccounted).toBe(0);
          expect(p.counts.http + p.counts.nonHttp + p.counts.tunnel).toBe(bytes.length);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('summary mode (cat --format tsv) gives the full exchanges less headers, trailers and bodies, mutated streams too', () => {
    const listed = (ex: Exchange): unknown => ({
      id: ex.id,
      timing: ex.timing,
      request: [ex.request.method, ex.request.target, ex.request.httpVersion, ex.request.headers.length > 0, !!ex.request.body],
      response: ex.response && [ex.response.status, ex.response.reason, ex.response.httpVersion, ex.response.interim?.map((i) => i.status)],
      flags: ex.flags,
    });
    fc.assert(
      fc.property(pick, mutations, mutations, cuts, (idx, mq, ms, cut) => {
        const [req, res] = streams(idx);
        const events = [...sliced('request', mutate(req, mq), cut), ...sliced('response', mutate(res, ms), cut)];
        const full = runFlow(events, 'fin');
        const summary = runFlow(events, 'fin', 1 << 20, true);
        expect(summary.stats).toEqual(full.stats);
        const lean = full.exchanges.map((ex) => ({ ...ex, request: { ...ex.request, headers: [], body: undefined } }));
        expect(summary.exchanges.map(listed)).toEqual(lean.map(listed));
        expect(summary.exchanges.every((ex) => !ex.response?.body && !ex.response?.trailers && !ex.request.trailers)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('random bytes alone are counted as non-HTTP and produce no exchange', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const b = Buffer.from(bytes);
        if (b.includes(' HTTP/1.')) return;
        const { exchanges, stats } = runFlow([{ dir: 'request', data: b }, { dir: 'response', data: b }], 'eof');
        expect(exchanges).toHaveLength(0);
        expect(stats.nonHttpBytes).toBe(2 * b.length);
      }),
      { numRuns: 200 },
    );
  });
});
