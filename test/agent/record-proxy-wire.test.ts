import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingProxy, type RecordingProxy } from '../../src/capture/input-proxy.js';
import type { Exchange } from '../../src/exchange.js';
import { rawExchange, startRawUpstream, type RawUpstream } from '../helpers/raw-upstream.js';

const OK11 = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Up: 1\r\n\r\nok';
const MANY = Array.from({ length: 2500 }, (_, i) => `X-H${i}: v\r\n`).join('');

/**
 * Requests an upstream accepts, sent byte for byte: the upstream must receive through the proxy exactly
 * what it receives from the client directly (the client's bytes, on a raw TCP server).
 */
const cases: { name: string; bytes: string; response?: string }[] = [
  { name: 'malformed percent-escape', bytes: 'GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n' },
  { name: 'double percent', bytes: 'GET /a%%b HTTP/1.1\r\nHost: a\r\n\r\n' },
  { name: 'asterisk-form OPTIONS', bytes: 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n' },
  { name: 'two Host headers', bytes: 'GET /two HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n' },
  { name: 'header case and order, body by Content-Length', bytes: 'POST /cl?q=1 HTTP/1.1\r\nHOST: a\r\nx-Z: 1\r\nContent-Length: 5\r\nX-a: 2\r\n\r\nhello' },
  { name: 'chunked body with trailers', bytes: 'POST /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 42\r\n\r\n' },
  { name: 'HTTP/1.0 without Host, answered in HTTP/1.0', bytes: 'GET /old HTTP/1.0\r\nUser-Agent: t\r\n\r\n', response: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok' },
  { name: 'no header lines at all', bytes: 'GET /bare HTTP/1.1\r\n\r\n' },
  { name: 'a Latin-1 byte in a header value', bytes: 'GET /latin HTTP/1.1\r\nHost: a\r\nX-Name: caf\xe9\r\n\r\n' },
  { name: 'an expectation Node does not know', bytes: 'GET /expect-other HTTP/1.1\r\nHost: a\r\nExpect: x-custom\r\n\r\n' },
  { name: 'Expect: 100-continue with its body', bytes: 'PUT /expect HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc' },
  // Node's server keeps 2,000 header lines by default and drops the rest silently.
  { name: '2,500 header lines (20 KB, over Node\'s 16 KiB default)', bytes: `GET /many HTTP/1.1\r\nHost: a\r\n${MANY}\r\n` },
];

describe('recording proxy on the wire', () => {
  let upstream: RawUpstream;
  let proxy: RecordingProxy;
  const recorded: Exchange[] = [];
  let consumed: Promise<void>;

  beforeAll(async () => {
    upstream = await startRawUpstream(1500);
    proxy = await startRecordingProxy({ host: '127.0.0.1', port: 0, upstream: upstream.url, requestTimeoutMs: 400 });
    consumed = (async () => {
      for await (const ex of proxy.exchanges) recorded.push(ex);
    })();
  });
  afterAll(async () => {
    await proxy.close();
    await consumed;
    await upstream.close();
  });

  it('forwards what the upstream accepts as the client sent it, and records the true versions', async () => {
    for (const c of cases) {
      const response = c.response ?? OK11;
      upstream.expect(Buffer.byteLength(c.bytes, 'latin1'), response);
      const direct = await rawExchange(upstream.port, Buffer.from(c.bytes, 'latin1'), /ok$/);
      const viaProxy = await rawExchange(proxy.port, Buffer.from(c.bytes, 'latin1'), /ok$/);
      expect(direct, c.name).toBe(response);
      expect(viaProxy, c.name).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/);
      const [sawDirect, sawProxied] = upstream.got.slice(-2);
      expect(sawProxied!.toString('latin1'), c.name).toBe(sawDirect!.toString('latin1'));
    }
    expect(await waitFor(() => recorded.length >= cases.length)).toBe(true);
    const byTarget = new Map(recorded.map((ex) => [ex.request.target, ex]));
    expect(byTarget.get('/%zz')?.response?.status).toBe(200);
    expect(byTarget.get('*')?.request.method).toBe('OPTIONS');
    expect(byTarget.get('/two')?.request.headers).toEqual([{ name: 'Host', value: 'a' }, { name: 'Host', value: 'b' }]);
    expect(byTarget.get('/t')?.request.trailers).toEqual([{ name: 'X-Sum', value: '42' }]);
    expect(byTarget.get('/old')).toMatchObject({ request: { httpVersion: 'HTTP/1.0' }, response: { httpVersion: 'HTTP/1.0' } });
    expect(byTarget.get('/cl')).toBeUndefined(); // recorded with its query
    expect(byTarget.get('/cl?q=1')?.response?.httpVersion).toBe('HTTP/1.1');
    expect(byTarget.get('/many')?.request.headers).toHaveLength(2501);
    expect(proxy.stats()).toMatchObject({ upstreamErrors: 0, clientAborts: 0 });
  });

  it('relays a chunked response with its trailers, header case and reason as the upstream sent them', async () => {
    const bytes = 'GET /trailers HTTP/1.1\r\nHost: a\r\n\r\n';
    upstream.expect(bytes.length, 'HTTP/1.1 299 Fine Thanks\r\nX-CASE: Kept\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\n\r\n');
    const got = await rawExchange(proxy.port, bytes, /\r\n0\r\n[^]*\r\n\r\n$/);
    expect(got).toMatch(/^HTTP\/1\.1 299 Fine Thanks\r\nX-CASE: Kept\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n/);
    expect(got).toMatch(/\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\n\r\n$/);
    expect(await waitFor(() => recorded.some((ex) => ex.request.target === '/trailers'))).toBe(true);
    expect(recorded.find((ex) => ex.request.target === '/trailers')?.response).toMatchObject({ status: 299, reason: 'Fine Thanks', trailers: [{ name: 'X-T', value: '1' }] });
  });

  it('relays 1xx answers (103 Early Hints) and a response of 2,500 header lines as the upstream sent them', async () => {
    const hints = 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nLink: </b.js>; rel=preload\r\n\r\n';
    const bytes = 'GET /hints HTTP/1.1\r\nHost: a\r\n\r\n';
    upstream.expect(bytes.length, hints + OK11);
    expect(await rawExchange(proxy.port, bytes, /ok$/)).toMatch(new RegExp(`^${hints}HTTP/1\\.1 200 OK\r\n`));
    const many = 'GET /many-back HTTP/1.1\r\nHost: a\r\n\r\n';
    upstream.expect(many.length, `HTTP/1.1 200 OK\r\n${MANY}Content-Length: 2\r\n\r\nok`);
    expect(await rawExchange(proxy.port, many, /ok$/)).toContain(MANY);
    expect(await waitFor(() => recorded.some((ex) => ex.request.target === '/many-back'))).toBe(true);
    expect(recorded.find((ex) => ex.request.target === '/hints')?.response?.interim).toMatchObject([{ status: 103, headers: [{ name: 'Link' }, { name: 'Link' }] }]);
    expect(recorded.find((ex) => ex.request.target === '/many-back')?.response?.headers).toHaveLength(2501);
  });

  it('tunnels CONNECT and Upgrade to the upstream and records their answer', async () => {
    const connect = 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n';
    upstream.expect(connect.length, 'HTTP/1.1 200 Connection Established\r\n\r\n');
    expect(await rawExchange(proxy.port, connect + 'ping', /Established\r\n\r\nping$/)).toBe('HTTP/1.1 200 Connection Established\r\n\r\nping');
    expect(upstream.got.at(-1)!.toString('latin1')).toBe(connect);
    const upgrade = 'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';
    upstream.expect(upgrade.length, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    expect(await rawExchange(proxy.port, upgrade + 'frame', /\r\n\r\nframe$/)).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(upstream.got.at(-1)!.toString('latin1')).toBe(upgrade);
    expect(await waitFor(() => recorded.some((ex) => ex.request.target === '/ws'))).toBe(true);
    expect(recorded.find((ex) => ex.request.method === 'CONNECT')).toMatchObject({ request: { target: 'example.com:443' }, response: { status: 200 }, flags: ['tunnel'] });
    expect(recorded.find((ex) => ex.request.target === '/ws')).toMatchObject({ response: { status: 101 }, flags: ['tunnel'] });
  });

  it('counts a client that goes away as a client abort, not an upstream error', async () => {
    const before = proxy.stats();
    upstream.expect(1 << 20, OK11); // never answers: the request stays in flight
    const text = 'GET /abandoned HTTP/1.1\r\nHost: a\r\n\r\n';
    const n = upstream.got.length;
    // Gone is a reset: a client that only half-closes (FIN) may still read its answer, and gets it
    // (test/capture/proxy-half-close.test.ts).
    // Reset once the request has reached the upstream, before its idle timer answers it (1 s).
    const heard = upstream.chunks();
    const client = connect(proxy.port, '127.0.0.1', () => void client.write(text));
    client.on('error', () => undefined);
    expect(await waitFor(() => upstream.chunks() > heard)).toBe(true);
    client.resetAndDestroy();
    expect(await waitFor(() => proxy.stats().clientAborts === before.clientAborts + 1)).toBe(true);
    expect(proxy.stats().upstreamErrors).toBe(before.upstreamErrors);
    expect(await waitFor(() => upstream.got.length > n)).toBe(true); // its idle timer answers the cut request
  });

  it('cuts a request body that stalls past the request timeout: 408, counted, recorded truncated', async () => {
    upstream.expect(1 << 20, OK11);
    const answer = await rawExchange(proxy.port, 'POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc', /\r\n\r\n/, 5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(await waitFor(() => recorded.some((ex) => ex.request.target === '/slow'))).toBe(true);
    expect(recorded.find((ex) => ex.request.target === '/slow')).toMatchObject({ flags: ['request-truncated'], request: { body: { size: 3 } } });
    expect(proxy.stats().requestTimeouts).toBe(1);
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
