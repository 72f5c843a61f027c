import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRequire } from 'node:module';
import { createServer as netServer, connect, type Server, type Socket } from 'node:net';
import { createServer as tlsServer, type TLSSocket } from 'node:tls';
import { Pool, ProxyAgent, type Dispatcher } from 'undici';
import { H1Pool, type H1PoolOptions } from '../../src/replay/dispatch/h1-pool.js';
import { targetDispatcher } from '../../src/replay/dispatch/agent.js';
import { runLoad } from '../../src/replay/engine.js';
import type { RequestResult, TargetOptions } from '../../src/replay/types.js';
import { selfSignedCert } from '../helpers/replay-proxy.js';
import { tempDir } from '../helpers/tmp.js';
import { listenLoopback } from '../helpers/listen.js';

// undici is the oracle here: on TLS and through proxies, the one client must put on the wire what undici
// puts there, and read the same responses out of the same bytes.
const dir = tempDir('shadowtap-client-tls-');
const cert = selfSignedCert(dir);
const AUTH = `Basic ${Buffer.from('user:pa55').toString('base64')}`;

/** Splits a byte stream into request heads (no bodies here) and answers each with `answer(head)`. */
function serveHeads(sock: Socket | TLSSocket, heads: string[], answer: (head: string) => string): void {
  let buf = '';
  sock.on('error', () => undefined);
  sock.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
      const head = buf.slice(0, end + 4);
      buf = buf.slice(end + 4);
      heads.push(head);
      sock.write(answer(head));
      // A body delimited by the end of the connection.
      if (head.startsWith('GET /close ')) return void sock.end();
    }
  });
}

// Bodies larger than the client's one read buffer (64 KiB), with no repeating period of that size: decrypted
// bytes land in a buffer the next read overwrites, so a byte kept by reference instead of copied shows.
const BIG = Array.from({ length: 200_003 }, (_, i) => String.fromCharCode(97 + ((i * 7 + (i >> 10)) % 26))).join('');
const RESPONSES: Record<string, string> = {
  '/len': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
  '/big': `HTTP/1.1 200 OK\r\nContent-Length: ${BIG.length}\r\n\r\n${BIG}`,
  '/big-chunked': `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${(100_000).toString(16)}\r\n${BIG.slice(0, 100_000)}\r\n${(BIG.length - 100_000).toString(16)}\r\n${BIG.slice(100_000)}\r\n0\r\n\r\n`,
  '/chunked': 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nx-a: 2\r\n\r\n3\r\nabc\r\n2;e=1\r\nde\r\n0\r\n\r\n',
  '/interim': 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
  '/close': 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end',
};

interface Seen {
  status: number;
  headers: string[];
  body: string;
}

/** One request through a dispatcher (ours or undici's), with the response as both clients report it. */
function send(d: { dispatch(o: never, h: never): boolean }, origin: string, path: string): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const seen: Seen = { status: 0, headers: [], body: '' };
    // Chunks are kept and read at the end, as the replay's handler keeps them for comparison.
    const chunks: Buffer[] = [];
    const handler = {
      wantsBody: true,
      onConnect: () => undefined,
      onResponseHead: (status: number, headers: { name: string; value: string }[]) => Object.assign(seen, { status, headers: headers.flatMap((h) => [h.name, h.value]) }),
      onHeaders: (status: number, raw: Buffer[]) => (status >= 200 && Object.assign(seen, { status, headers: raw.map(String) }), true),
      onData: (b: Buffer) => (chunks.push(b), true),
      onComplete: () => resolve({ ...seen, body: Buffer.concat(chunks).toString('latin1') }),
      onError: reject,
    };
    d.dispatch({ origin, path, method: 'GET', headers: ['X-Case', 'Kept', 'accept', '*/*'], body: null } as never, handler as never);
  });
}

describe('one HTTP/1.1 client on TLS and through proxies, with undici as the oracle', () => {
  let tls: Server;
  let proxy: Server;
  const heads: string[] = [];
  const sni: (string | false | null)[] = [];
  const connects: string[] = [];
  let tlsPort = 0;
  let proxyPort = 0;
  const opts: H1PoolOptions = { connections: 1, pipelining: 1, connectTimeoutMs: 5000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, keepAliveMs: 5000, tls: { rejectUnauthorized: true, ca: cert.cert } };

  beforeAll(async () => {
    tls = tlsServer({ cert: cert.cert, key: cert.key }, (sock) => {
      sni.push(sock.servername);
      serveHeads(sock, heads, (head) => RESPONSES[head.split(' ')[1]!] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    });
    tlsPort = await listenLoopback(tls);
    // A CONNECT proxy: refuses without credentials (407) and to any port but the TLS server's (403).
    proxy = netServer((client) => {
      client.on('error', () => undefined);
      client.once('data', (d: Buffer) => {
        const head = d.toString('latin1');
        connects.push(head);
        if (!head.includes(`proxy-authorization: ${AUTH}`)) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
        if (!head.startsWith(`CONNECT localhost:${tlsPort} `) && !head.startsWith(`CONNECT 127.0.0.1:${tlsPort} `)) return void client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
        const up = connect(tlsPort, '127.0.0.1', () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          client.pipe(up).pipe(client);
        });
        up.on('error', () => client.destroy());
      });
    });
    proxyPort = await listenLoopback(proxy);
  });
  afterAll(async () => {
    await new Promise((r) => tls.close(r));
    await new Promise((r) => proxy.close(r));
  });

  it('https: same request bytes, same SNI, same parsed responses as undici', async () => {
    const origin = `https://localhost:${tlsPort}`;
    const ours = new H1Pool(new URL(origin), opts);
    const oracle = new Pool(origin, { connections: 1, connect: { ca: cert.cert } });
    sni.length = 0;
    for (const path of Object.keys(RESPONSES)) {
      heads.length = 0;
      const a = await send(oracle as never, origin, path);
      const b = await send(ours as never, origin, path);
      expect(b).toEqual(a);
      expect(heads).toHaveLength(2);
      expect(heads[1]).toBe(heads[0]);
    }
    // One connection each (/close comes last), both naming the host (SNI).
    expect(sni).toEqual(['localhost', 'localhost']);
    await ours.close();
    await oracle.close();
  });

  it('https through a CONNECT proxy: the same tunnel request and the same bytes inside it as undici', async () => {
    const origin = `https://localhost:${tlsPort}`;
    const ours = new H1Pool(new URL(origin), { ...opts, proxy: { host: '127.0.0.1', port: proxyPort, authorization: AUTH } });
    const oracle = new ProxyAgent({ uri: `http://127.0.0.1:${proxyPort}`, token: AUTH, requestTls: { ca: cert.cert }, proxyTunnel: true });
    heads.length = 0;
    connects.length = 0;
    const a = await send(oracle as unknown as Dispatcher as never, origin, '/chunked');
    const b = await send(ours as never, origin, '/chunked');
    expect(b).toEqual(a);
    expect(heads[1]).toBe(heads[0]);
    expect(connects).toHaveLength(2);
    expect(connects[1]).toBe(connects[0]);
    await ours.close();
    await oracle.close();
  });

  it('http through a forward proxy: the same absolute-form request as undici; its 407 is a proxy error', async () => {
    const seen: string[] = [];
    const fwd = netServer((sock) => serveHeads(sock, seen, (head) => (head.includes(AUTH) ? RESPONSES['/len']! : 'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 3\r\n\r\nno!')));
    const port = await listenLoopback(fwd);
    const origin = 'http://origin.example:8080';
    const ours = new H1Pool(new URL(origin), { ...opts, proxy: { host: '127.0.0.1', port, authorization: AUTH } });
    const oracle = new ProxyAgent({ uri: `http://127.0.0.1:${port}`, token: AUTH, proxyTunnel: false });
    const a = await send(oracle as unknown as Dispatcher as never, origin, '/len?q=1');
    const b = await send(ours as never, origin, '/len?q=1');
    expect(b).toEqual(a);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[0]).toMatch(/^GET http:\/\/origin\.example:8080\/len\?q=1 HTTP\/1\.1\r\n/);
    await ours.close();
    await oracle.close();
    const results: RequestResult[] = [];
    await runLoad({ schedule: [{ intendedUs: 0, id: '0', method: 'GET', target: '/', headers: [] }], targets: [{ url: origin, proxy: `http://127.0.0.1:${port}` }], pace: 'max', onResult: (r) => results.push(r), drainMs: 10_000, warmUp: false });
    expect(results[0]).toMatchObject({ error: 'proxy-error', reason: 'proxy requires authentication: answered 407' });
    await new Promise((r) => fwd.close(r));
  });

  it('one secure context per trust store: shared by its connections and by another setting of the same --ca; the store adds to the default roots', async () => {
    const tlsModule = createRequire(import.meta.url)('node:tls') as typeof import('node:tls');
    const made = vi.spyOn(tlsModule, 'createSecureContext');
    const origin = `https://localhost:${tlsPort}`;
    // A store of its own: the one in `opts` already has its context from the tests above.
    const ca = `${cert.cert}\n`;
    try {
      const a = new H1Pool(new URL(origin), { ...opts, connections: 3, tls: { rejectUnauthorized: true, ca } });
      await a.preconnect();
      const answers = await Promise.all([1, 2, 3].map(() => send(a as never, origin, '/len')));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(made).toHaveBeenCalledTimes(1);
      // `ca` replaces Node's default trust: the roots are named with it, so --ca adds to them.
      expect(made.mock.calls[0]![0]!.ca).toEqual([...tlsModule.rootCertificates, ca]);
      // The same CA checked less (another target): the same store, not another ~25 ms of parsing.
      const b = new H1Pool(new URL(origin), { ...opts, tls: { rejectUnauthorized: false, ca } });
      expect((await send(b as never, origin, '/len')).status).toBe(200);
      expect(made).toHaveBeenCalledTimes(1);
      await a.close();
      await b.close();
    } finally {
      made.mockRestore();
    }
  });

  it('an https:// proxy: TLS to the proxy, trusted as the target is, absolute-form requests inside', async () => {
    const seen: string[] = [];
    const fwd = tlsServer({ cert: cert.cert, key: cert.key }, (sock) => serveHeads(sock, seen, () => RESPONSES['/len']!));
    const port = await listenLoopback(fwd);
    const results: RequestResult[] = [];
    await runLoad({ schedule: [{ intendedUs: 0, id: '0', method: 'GET', target: '/x', headers: [] }], targets: [{ url: 'http://origin.example', proxy: `https://user:pa55@localhost:${port}`, ca: cert.certPath }], pace: 'max', onResult: (r) => results.push(r), drainMs: 10_000, warmUp: false });
    expect(results[0]!.status).toBe(200);
    expect(seen[0]).toMatch(new RegExp(`^GET http://origin\\.example/x HTTP/1\\.1\r\nhost: origin\\.example\r\nconnection: keep-alive\r\nproxy-authorization: ${AUTH}\r\n`));
    await new Promise((r) => fwd.close(r));
  });

  it('through the engine: trust by --ca, --insecure, untrusted is tls, CONNECT 407/403 and a dead proxy are proxy errors that say why', async () => {
    const run = async (t: TargetOptions): Promise<RequestResult> => {
      const results: RequestResult[] = [];
      await runLoad({ schedule: [{ intendedUs: 0, id: '0', method: 'GET', target: '/len', headers: [] }], targets: [{ connectTimeoutMs: 5000, ...t }], pace: 'max', onResult: (r) => results.push(r), drainMs: 10_000, warmUp: false });
      return results[0]!;
    };
    const url = `https://127.0.0.1:${tlsPort}`;
    const caPath = cert.certPath;
    expect((await run({ url, ca: caPath })).status).toBe(200);
    expect((await run({ url, insecure: true })).status).toBe(200);
    expect((await run({ url })).error).toBe('tls');
    const p = `http://127.0.0.1:${proxyPort}`;
    expect((await run({ url, ca: caPath, proxy: `http://user:pa55@127.0.0.1:${proxyPort}` })).status).toBe(200);
    expect(await run({ url, ca: caPath, proxy: p })).toMatchObject({ error: 'proxy-error', reason: 'proxy requires authentication: CONNECT answered 407' });
    const elsewhere = `https://localhost:${proxyPort}`;
    expect(await run({ url: elsewhere, ca: caPath, proxy: `http://user:pa55@127.0.0.1:${proxyPort}` })).toMatchObject({ error: 'proxy-error', reason: 'proxy answered CONNECT with status 403' });
    const dead = netServer();
    const deadPort = await listenLoopback(dead);
    await new Promise((r) => dead.close(r));
    expect(await run({ url, proxy: `http://127.0.0.1:${deadPort}` })).toMatchObject({ error: 'proxy-error', reason: `proxy connection refused 127.0.0.1:${deadPort}` });
  });

  it('a proxy URL that is neither http nor https is bad input', () => {
    expect(() => targetDispatcher({ url: 'https://127.0.0.1:1', proxy: 'socks5://127.0.0.1:1' })).toThrow(/--proxy socks5:\/\/127\.0\.0\.1:1: only http:\/\/ and https:\/\/ proxies/);
  });
});
