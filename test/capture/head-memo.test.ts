import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Exchange } from '../../src/exchange.js';
import { findHeadEnd, parseHead } from '../../src/http1/head.js';
import { HeadMemo, MAX_MEMO_BYTES } from '../../src/http1/head-memo.js';
import { runFlow, type FlowEvent } from '../helpers/http-feed.js';

// A head equal to the last one on its connection direction is a copy of that parse (HeadMemo): exactly
// what parsing would give, its Header objects shared and frozen.

const res = (date: string, length = 2) => `HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: ${date}\r\nContent-Length: ${length}\r\n\r\n${'x'.repeat(length)}`;
const req = (target: string) => `GET ${target} HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n b\r\n\r\n`;
const same = (a: Exchange, b: Exchange) => [a.request, a.response].map((p, i) => p?.headers.map((h, j) => h === [b.request, b.response][i]?.headers[j]));

describe('heads repeated on a connection', () => {
  it('parse as parsing gives; repeats share frozen Header objects but never a header list', () => {
    const events: FlowEvent[] = [];
    for (const [target, date] of [['/a', 'd1'], ['/a', 'd1'], ['/b', 'd1'], ['/b', 'd2'], ['/b', 'd2']]) events.push({ dir: 'request', data: req(target!) }, { dir: 'response', data: res(date!) });
    const { exchanges } = runFlow(events);
    expect(exchanges.map((e) => `${e.request.target} ${e.response?.headers[1]?.value}`)).toEqual(['/a d1', '/a d1', '/b d1', '/b d2', '/b d2']);
    for (const e of exchanges) {
      expect(e.request.headers).toEqual([{ name: 'Host', value: 'h' }, { name: 'X-Folded', value: 'a b' }]);
      expect(e.response?.headers).toEqual([{ name: 'Server', value: 'nginx' }, { name: 'Date', value: expect.any(String) }, { name: 'Content-Length', value: '2' }]);
      expect(e.response?.body).toEqual({ text: 'xx', size: 2, truncated: false });
    }
    // Repeats share the objects of the head they repeat (request 2 of 1, response 2 of 1, 5 of 4); others not.
    expect(same(exchanges[1]!, exchanges[0]!)).toEqual([[true, true], [true, true, true]]);
    expect(same(exchanges[2]!, exchanges[1]!)).toEqual([[false, false], [true, true, true]]);
    expect(same(exchanges[4]!, exchanges[3]!)).toEqual([[true, true], [true, true, true]]);
    expect(exchanges[1]!.request.headers).not.toBe(exchanges[0]!.request.headers);
    for (const h of exchanges[1]!.response!.headers) expect(Object.isFrozen(h)).toBe(true);
    expect(() => {
      (exchanges[1]!.response!.headers[0] as { value: string }).value = 'changed';
    }).toThrow(TypeError);
    exchanges[1]!.response!.headers.push({ name: 'Mine', value: '1' }); // a list is each message's own
    expect(exchanges[4]!.response!.headers).toHaveLength(3);
  });

  it('gives what parseHead gives for any sequence of heads, repeated or not, in either mode', () => {
    const head = fc.constantFrom('GET / HTTP/1.1\r\nHost: a\r\n\r\n', 'GET / HTTP/1.1\r\nHost: b\r\n\r\n', 'HTTP/1.1 204 No Content\r\nA: 1\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 'X\r\n\r\n', 'GET /\xe9 HTTP/1.1\r\nX: \xc3\xa9\r\n\r\n', `GET / HTTP/1.1\r\nBig: ${'b'.repeat(MAX_MEMO_BYTES)}\r\n\r\n`);
    fc.assert(
      fc.property(fc.array(head, { maxLength: 12 }), fc.boolean(), fc.constantFrom('request', 'response') as fc.Arbitrary<'request' | 'response'>, (heads, summary, kind) => {
        const memo = new HeadMemo(kind, summary);
        for (const text of heads) {
          // As the parser asks: the last head again, else the head up to its end, parsed and remembered.
          const buf = Buffer.from(`..${text}\r\n..`, 'latin1');
          const end = findHeadEnd(buf, 2, buf.length - 2);
          const again = memo.again(buf, 2, buf.length - 2);
          if (again) expect(2 + memo.length).toBe(end);
          expect(again ?? memo.parse(buf, 2, end)).toEqual(parseHead(kind, buf, 2, end, summary));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a body read within one push (offsets, no view) decodes as one spread over pushes: ASCII, UTF-8, binary', () => {
    const bodies = [Buffer.from('plain'), Buffer.from('h\u00e9llo \u2603', 'utf8'), Buffer.from([0xff, 0x00, 0xc3, 0x28])];
    const flow = (split: boolean): Exchange[] => {
      const events: FlowEvent[] = [];
      for (const b of bodies) {
        const whole = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${b.length}\r\n\r\n`), b]);
        events.push({ dir: 'request', data: req('/') });
        if (split) events.push({ dir: 'response', data: whole.subarray(0, whole.length - 2) }, { dir: 'response', data: whole.subarray(whole.length - 2) });
        else events.push({ dir: 'response', data: whole });
      }
      return runFlow(events).exchanges;
    };
    const bodiesOf = (exs: Exchange[]) => exs.map((e) => e.response?.body);
    expect(bodiesOf(flow(false))).toEqual([
      { text: 'plain', size: 5, truncated: false },
      { text: 'h\u00e9llo \u2603', size: 10, truncated: false },
      { base64: '/wDDKA==', size: 4, truncated: false },
    ]);
    expect(bodiesOf(flow(true))).toEqual(bodiesOf(flow(false)));
  });
});
