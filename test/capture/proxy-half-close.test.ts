import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { startRecordingProxy, type RecordingProxy } from '../../src/capture/input-proxy.js';
import type { Exchange } from '../../src/exchange.js';
import { listenLoopback } from '../helpers/listen.js';

// An upstream that answers once the request has arrived whole; /hold/* are held until released.
const arrived: string[] = [];
const held: ServerResponse[] = [];
let onArrive: () => void = () => {};
const upstream = createServer((req: IncomingMessage, res: ServerResponse) => {
  req.resume();
  req.on('end', () => {
    arrived.push(req.url ?? '');
    onArrive();
    if (req.url?.startsWith('/hold/')) held.push(res);
    else res.end(`hello ${req.url}`);
  });
});
const upstreamPort = await listenLoopback(upstream);
afterAll(async () => {
  for (const r of held) r.destroy();
  await new Promise((r) => upstream.close(r));
});

async function proxyRecording(stopGraceMs = 60_000): Promise<{ proxy: RecordingProxy; got: Exchange[]; read: Promise<void> }> {
  const proxy = await startRecordingProxy({ host: '127.0.0.1', port: 0, upstream: `http://127.0.0.1:${upstreamPort}`, stopGraceMs });
  const got: Exchange[] = [];
  const read = (async () => {
    for await (const ex of proxy.exchanges) got.push(ex);
  })();
  return { proxy, got, read };
}

/** Sends `bytes` then half-closes (shutdown(SHUT_WR)); resolves with all it read once the socket closes. */
function halfClosing(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.end(bytes));
    let got = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => (got += d));
    s.on('error', () => undefined);
    s.on('close', () => resolve(got));
  });
}

/** Rejects if `p` is not settled within `ms`: a stop must end. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(t));
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

describe('recording proxy: clients that half-close, pipeline, or vanish', () => {
  it('answers a client that half-closed after its pipelined requests, in order, and records each', async () => {
    const { proxy, got, read } = await proxyRecording();
    const answer = await halfClosing(proxy.port, get('/p1') + get('/p2') + get('/p3'));
    expect(answer.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(3);
    expect([...answer.matchAll(/hello (\/p\d)/g)].map((m) => m[1])).toEqual(['/p1', '/p2', '/p3']);
    await within(proxy.close(), 5_000);
    await read;
    expect(got.map((e) => [e.request.target, e.response?.status, e.flags])).toEqual([
      ['/p1', 200, undefined],
      ['/p2', 200, undefined],
      ['/p3', 200, undefined],
    ]);
  });

  it('a pipelined body cut by the half-close: every request recorded, and the stop ends', async () => {
    const { proxy, got, read } = await proxyRecording();
    const post = 'POST /p3 HTTP/1.1\r\nHost: x\r\nContent-Length: 26\r\nConnection: close\r\n\r\npassword=PIPEPASSWDSECRET';
    await halfClosing(proxy.port, get('/p1') + get('/p2?token=T') + post);
    await within(proxy.close(), 5_000);
    await read;
    expect(got.map((e) => e.request.target).sort()).toEqual(['/p1', '/p2?token=T', '/p3']);
    expect(got.find((e) => e.request.target === '/p3')?.flags).toEqual(['request-truncated']);
    expect(proxy.stats().requests).toBe(3);
  });

  it('a client gone with pipelined requests in flight: each is recorded as a client abort and the stop ends', async () => {
    const { proxy, got, read } = await proxyRecording();
    arrived.length = 0;
    const all = new Promise<void>((r) => (onArrive = () => arrived.length >= 3 && r()));
    const s = connect(proxy.port, '127.0.0.1', () => s.write(get('/hold/1') + get('/hold/2') + get('/hold/3')));
    s.on('error', () => undefined);
    await all;
    // A reset, not a FIN: a FIN is a half-close, whose answers are still owed.
    s.resetAndDestroy();
    await within(proxy.close(), 5_000);
    await read;
    expect(got.map((e) => [e.request.target, e.flags])).toEqual([
      ['/hold/1', ['no-response']],
      ['/hold/2', ['no-response']],
      ['/hold/3', ['no-response']],
    ]);
    expect(proxy.stats()).toMatchObject({ requests: 3, clientAborts: 3 });
  });

  it('a second close cuts what is in flight at once instead of waiting out the grace', async () => {
    const { proxy, got, read } = await proxyRecording(600_000);
    arrived.length = 0;
    const one = new Promise<void>((r) => (onArrive = r));
    const answered = halfClosing(proxy.port, get('/hold/long-poll'));
    await one;
    const first = proxy.close();
    await within(proxy.close(), 5_000);
    await first;
    await read;
    await answered;
    expect(got.map((e) => [e.request.target, e.flags])).toEqual([['/hold/long-poll', ['no-response']]]);
    expect(proxy.stats()).toMatchObject({ requests: 1, cutAtStop: 1 });
  });
});
