import { afterAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/replay/engine.js';
import type { RequestResult, TargetOptions } from '../../src/replay/types.js';
import { rawServer } from './raw-http-server.js';

async function replay(target: TargetOptions, n: number): Promise<RequestResult[]> {
  const results: RequestResult[] = [];
  const schedule = [...Array(n).keys()].map((i) => ({ intendedUs: 0, id: String(i), method: 'GET', target: `/r/${i}`, headers: [] }));
  await runLoad({ schedule, targets: [target], pace: 'max', onResult: (r) => results.push(r), drainMs: 10_000, warmUp: false });
  return results.sort((a, b) => Number(a.id) - Number(b.id));
}

describe('pipelining only on connections shown to be persistent (RFC 9112 §9.3.2)', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it('an HTTP/1.0 server whose bodies end at close gets one request per connection, and answers all', async () => {
    const srv = await rawServer((sock, head) => sock.end(`HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nanswer to ${head.split(' ')[1]}`));
    closers.push(srv.close);
    const results = await replay({ url: srv.url, connections: 2, pipelining: 8 }, 30);
    expect(results.map((r) => r.error ?? r.status)).toEqual(Array(30).fill(200));
    // Written behind a response that ends the connection, a request meets a closed socket (EPIPE).
    expect(srv.byConnection.map((heads) => heads.length)).toEqual(Array(30).fill(1));
  });

  it('requests pipelined behind an answer that ends the connection early go again on a new one', async () => {
    // The first answer on a connection keeps it open; the second says close and ends with its body cut.
    const answered = new Map<object, number>();
    const srv = await rawServer((sock) => {
      const nth = (answered.get(sock) ?? 0) + 1;
      answered.set(sock, nth);
      if (nth === 1) sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      else sock.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 10\r\n\r\nabc');
    });
    closers.push(srv.close);
    const results = await replay({ url: srv.url, connections: 1, pipelining: 4 }, 6);
    // The cut answer fails its own request; the ones behind it were never answered, so are sent again.
    expect(results.map((r) => r.error ?? r.status)).toEqual([200, 'reset', 200, 'reset', 200, 'reset']);
    expect(srv.byConnection.map((heads) => heads.map((h) => h.split(' ')[1]))).toEqual([
      ['/r/0', '/r/1', '/r/2', '/r/3', '/r/4'],
      ['/r/2', '/r/3', '/r/4', '/r/5'],
      ['/r/4', '/r/5'],
    ]);
  });
});
