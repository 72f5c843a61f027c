import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ResponseReader } from '../../src/replay/dispatch/h1-response.js';
import { parseHead, findHeadEnd } from '../../src/http1/head.js';
import type { H1Request } from '../../src/replay/dispatch/h1-request.js';
import type { Header } from '../../src/exchange.js';

// Heads a server repeats (the same one many times, then another), bodies framed by Content-Length.
const HEADS = [
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Sun, 06 Dec 2026 00:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Sun, 06 Dec 2026 00:00:01 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\n',
  'HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n',
  'HTTP/1.1 200 OK\nX-Bare-LF: yes\nContent-Length: 2\n\n',
  'HTTP/1.1 200 OK\r\nX-Utf8: caf\u00c3\u00a9\r\nContent-Length: 2\r\n\r\n',
];
const BODIES = ['ok', '{}', 'no'];

interface Seen {
  status: number;
  headers: Header[];
  body: string;
}

/** Feeds `wire` in the given pieces to one reader; what each response's handler was given. */
function read(wire: Buffer, cuts: number[]): Seen[] {
  const seen: Seen[] = [];
  const handler = {
    onConnect: () => undefined,
    onResponseHead: (status: number, headers: Header[]) => void seen.push({ status, headers: headers.map((h) => ({ ...h })), body: '' }),
    onData: (chunk: Buffer) => ((seen.at(-1)!.body += chunk.toString('latin1')), true),
    wantsBody: true,
    onComplete: () => undefined,
    onError: (err: Error) => {
      throw err;
    },
  };
  const req: H1Request = { method: 'GET', bytes: '', handler };
  const reader = new ResponseReader({ current: () => req, head: (head, r) => r.handler.onResponseHead(head.status, head.headers), progress: () => undefined, complete: () => undefined, fail: (err) => { throw err; } });
  // Each feed overwrites one shared read buffer, as the socket's onread does; what lies past the bytes
  // read is a blank line, so a reader that looked past them would end a head there.
  const shared = Buffer.alloc(wire.length + 16);
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < wire.length).sort((a, b) => a - b), wire.length]) {
    if (cut <= at) continue;
    shared.fill('\r\n\r\n', 'latin1');
    wire.copy(shared, 0, at, cut);
    reader.feed(shared, cut - at);
    at = cut;
  }
  return seen;
}

describe('response heads: a head repeated is read as its own parse', () => {
  it('gives every response the status and headers parseHead gives its head, however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(HEADS.length - 1), fc.nat(BODIES.length - 1)), { minLength: 1, maxLength: 12 }), fc.array(fc.nat(2000), { maxLength: 8 }), (msgs, cuts) => {
        const wire = Buffer.from(msgs.map(([h, b]) => HEADS[h]! + BODIES[b]!).join(''), 'latin1');
        const expected = msgs.map(([h, b]) => {
          const bytes = Buffer.from(HEADS[h]!, 'latin1');
          const head = parseHead('response', bytes, 0, findHeadEnd(bytes, 0))!;
          return { status: head.status, headers: head.headers.map((x) => ({ ...x })), body: BODIES[b]! };
        });
        expect(read(wire, cuts)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('shares (frozen) Header objects between repeated heads, never between different ones', () => {
    const lists: Header[][] = [];
    const handler = { onConnect: () => undefined, onResponseHead: (_s: number, hs: Header[]) => void lists.push(hs), onData: () => true, wantsBody: false, onComplete: () => undefined, onError: () => undefined };
    const req: H1Request = { method: 'GET', bytes: '', handler };
    const reader = new ResponseReader({ current: () => req, head: (head, r) => r.handler.onResponseHead(head.status, head.headers), progress: () => undefined, complete: () => undefined, fail: (err) => { throw err; } });
    for (const h of [0, 0, 0, 1]) {
      const b = Buffer.from(HEADS[h]! + 'ok', 'latin1');
      reader.feed(b, b.length);
    }
    expect(lists[1]).not.toBe(lists[0]);
    expect(lists[1]![0]).toBe(lists[0]![0]);
    expect(lists[2]![2]).toBe(lists[0]![2]);
    expect(Object.isFrozen(lists[1]![0])).toBe(true);
    expect(lists[3]![1]).not.toBe(lists[0]![1]);
    expect(lists[3]![1]!.value).toBe('Sun, 06 Dec 2026 00:00:01 GMT');
  });
});
