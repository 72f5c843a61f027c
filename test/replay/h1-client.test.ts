import { afterAll, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { H1Pool, type H1DispatchOptions } from '../../src/replay/dispatch/h1-pool.js';
import type { H1Handler } from '../../src/replay/dispatch/h1-request.js';
import { runLoad } from '../../src/replay/engine.js';
import type { RequestResult, ScheduledRequest, TargetOptions } from '../../src/replay/types.js';
import { rawServer } from './raw-http-server.js';

const pathOf = (head: string): string => head.split(' ')[1]!;

/** Runs `requests` through the engine to one target; results in request order. */
async function replay(target: TargetOptions, requests: Partial<ScheduledRequest>[]): Promise<RequestResult[]> {
  const results: RequestResult[] = [];
  const schedule = requests.map((r, i) => ({ intendedUs: 0, id: String(i), method: 'GET', target: `/r/${i}`, headers: [], ...r }));
  await runLoad({ schedule, targets: [target], pace: 'max', onResult: (r) => results.push(r), drainMs: 10_000 });
  return results.sort((a, b) => Number(a.id) - Number(b.id));
}

describe('direct HTTP/1.1 client (plain http:// targets)', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it('writes the same request bytes undici writes', async () => {
    const srv = await rawServer((sock) => sock.write('HTTP/1.1 204 No Content\r\n\r\n'));
    closers.push(srv.close);
    let refusals = 0;
    const cases: H1DispatchOptions[] = [
      { method: 'GET', path: '/a?x=1&y=%20z', headers: ['Host', 'prod.example', 'X-Multi', 'one', 'x-multi', 'two'], body: null },
      { method: 'POST', path: '/users/42', headers: ['Content-Type', 'application/json'], body: Buffer.from('{"qty": 3.50}') },
      { method: 'PUT', path: '/empty', headers: [], body: null },
      { method: 'DELETE', path: '/d', headers: ['X-Value', ' caf\u00e9\t '], body: null },
      { method: 'GET', path: '/bad-name', headers: ['X-Ünï', 'v'], body: null },
      { method: 'GET', path: '/bad-value', headers: ['X-Value', 'a\u20ac'], body: null },
      { method: 'GET', path: '/split', headers: ['X-Value', 'a\r\nX-Injected: 1'], body: null },
      { method: 'GET', path: '/two-hosts', headers: ['Host', 'a', 'host', 'b'], body: null },
      { method: 'GET', path: '/te', headers: ['Transfer-Encoding', 'chunked'], body: null },
      { method: 'GET', path: '/bad path', headers: [], body: null },
      { method: 'HEAD', path: '/h', headers: [], body: null },
    ];
    const send = (d: { dispatch: (o: H1DispatchOptions & { origin: string }, h: H1Handler) => boolean }, o: H1DispatchOptions) =>
      new Promise<void>((resolve, reject) => d.dispatch({ ...o, origin: srv.url }, { onConnect: () => undefined, onHeaders: () => true, onResponseHead: () => undefined, wantsBody: false, onData: () => true, onComplete: () => resolve(), onError: reject } as H1Handler));
    const direct = new H1Pool(new URL(srv.url), { connections: 1, pipelining: 1, connectTimeoutMs: 5000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, keepAliveMs: 5000 });
    for (const c of cases) {
      // A fresh undici pool each time: after a HEAD it waits for the server to close (it asked to), and this one never does.
      const undici = new Pool(srv.url, { connections: 1 });
      srv.heads.length = 0;
      const refused = await send(undici as never, c).then(() => undefined, (e: Error) => e.message);
      if (refused) {
        // What undici refuses, the direct client refuses with the same message, and nothing is sent.
        refusals++;
        await expect(send(direct, c)).rejects.toThrow(refused);
        expect(srv.heads).toEqual([]);
      } else {
        await send(direct, c);
        expect(srv.heads).toHaveLength(2);
        expect(srv.heads[1]).toBe(srv.heads[0]);
      }
      await undici.destroy();
    }
    expect(refusals).toBe(6);
    await direct.close();
  });

  it('reads Content-Length, chunked and close-delimited bodies and keeps order when pipelining', async () => {
    const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 2));
    const srv = await rawServer(async (sock, head) => {
      const p = pathOf(head);
      if (p.startsWith('/chunked')) sock.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n${p.slice(-3)}\r\n2;ext=1\r\n!!\r\n0\r\nX-Trailer: t\r\n\r\n`);
      else if (p.startsWith('/close')) sock.end(`HTTP/1.1 200 OK\r\n\r\nuntil-close ${p}`);
      else {
        // Split across writes, with an interim response first, to exercise partial heads and bodies.
        const body = `body of ${p}`;
        sock.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Len`);
        await pause();
        sock.write(`gth: ${body.length}\r\nX-Path: ${p}\r\n\r\n${body.slice(0, 4)}`);
        await pause();
        sock.write(body.slice(4));
      }
    });
    closers.push(srv.close);
    const reqs = [...Array(30).keys()].map((i) => ({ target: i % 3 === 0 ? `/chunked/${100 + i}` : i % 3 === 1 ? `/close/${i}` : `/len/${i}` }));
    const bodies = new Map<string, string>();
    const results: RequestResult[] = [];
    const schedule = reqs.map((r, i) => ({ intendedUs: 0, id: String(i), method: 'GET', headers: [], ...r }));
    await runLoad({
      schedule,
      targets: [{ url: srv.url, connections: 3, pipelining: 4 }],
      pace: 'max',
      drainMs: 10_000,
      onResult: (r) => results.push(r),
      responses: {
        wantsBodies: true,
        complete: (req, res, response, emit) => {
          bodies.set(req.target, `${response?.status} ${response?.body.toString()} ${response?.headers.find((h) => h.name === 'X-Path')?.value ?? ''}`);
          emit?.(res);
        },
      },
    });
    expect(results.filter((r) => r.error)).toEqual([]);
    for (const { target: t } of reqs) {
      if (t.startsWith('/chunked')) expect(bodies.get(t)).toBe(`200 ${t.slice(-3)}!! `);
      else if (t.startsWith('/close')) expect(bodies.get(t)).toBe(`200 until-close ${t} `);
      else expect(bodies.get(t)).toBe(`201 body of ${t} ${t}`);
    }
  });

  it('retries on a new connection what a closing server never answered; Connection: close is honoured', async () => {
    const srv = await rawServer((sock) => sock.end(`HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok`));
    closers.push(srv.close);
    const results = await replay({ url: srv.url, connections: 2, pipelining: 3 }, [...Array(12).keys()].map(() => ({})));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(new Set(srv.heads.map(pathOf)).size).toBe(12);
  });

  it('classifies failures: refused, reset, headers and body timeouts, malformed responses', async () => {
    const srv = await rawServer((sock, head) => {
      const p = pathOf(head);
      if (p === '/reset') sock.resetAndDestroy();
      else if (p === '/half') sock.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
      else if (p === '/slow-body') sock.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
      else if (p === '/garbage') sock.write('NOT HTTP AT ALL\r\n\r\n');
      else if (p === '/ok') sock.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
      // '/silent' never answers
    });
    closers.push(srv.close);
    const t = { url: srv.url, connections: 6, headersTimeoutMs: 300, bodyTimeoutMs: 300 };
    const t0 = performance.now();
    const results = await replay(t, ['/reset', '/half', '/slow-body', '/garbage', '/silent', '/ok'].map((target) => ({ target })));
    expect(results.map((r) => r.error ?? r.status)).toEqual(['reset', 'reset', 'body-timeout', 'other', 'headers-timeout', 200]);
    expect(performance.now() - t0).toBeLessThan(5000);
    const free = await rawServer(() => undefined);
    await free.close();
    expect((await replay({ url: free.url }, [{}]))[0]!.error).toBe('connect-refused');
  });

  it('a timeout of 0 is off, as in undici; a server\'s Keep-Alive hint closes idle connections before it does', async () => {
    const srv = await rawServer(async (sock) => {
      await new Promise((r) => setTimeout(r, 60));
      sock.write('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 0\r\n\r\n');
    });
    closers.push(srv.close);
    const results = await replay({ url: srv.url, connections: 1, headersTimeoutMs: 0, bodyTimeoutMs: 0, connectTimeoutMs: 0 }, [{}, {}]);
    expect(results.map((r) => r.error ?? r.status)).toEqual([200, 200]);
    // Keep-Alive: timeout=1 → closed after 0.5 s idle (1 s less a 1 s margin, at least 0.5 s), not the default 30 s.
    const pool = new H1Pool(new URL(srv.url), { connections: 1, pipelining: 1, connectTimeoutMs: 5000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, keepAliveMs: 30_000 });
    await new Promise<void>((resolve, reject) => pool.dispatch({ method: 'GET', path: '/', headers: [], body: null }, { onConnect: () => undefined, onResponseHead: () => undefined, wantsBody: false, onData: () => true, onComplete: () => resolve(), onError: reject }));
    const connections = (): number => (pool as unknown as { conns: unknown[] }).conns.length;
    expect(connections()).toBe(1);
    await new Promise((r) => setTimeout(r, 1600));
    expect(connections()).toBe(0);
    await pool.close();
  });

  it('rejects what undici rejects (request splitting in a header value) without sending it', async () => {
    const srv = await rawServer((sock) => sock.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    closers.push(srv.close);
    const results = await replay({ url: srv.url }, [{ headers: [{ name: 'X-Evil', value: 'a\r\nX-Injected: 1' }] }, { target: '/fine' }]);
    expect(results.map((r) => r.error ?? r.status)).toEqual(['other', 200]);
    expect(srv.heads.map(pathOf)).toEqual(['/fine']);
  });
});
