import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uncompress } from 'snappyjs';
import { RemoteWriter } from '../../src/metrics/remote-write.js';
import { TokenProvider } from '../../src/replay/staging/oauth2.js';
import { BAD_PORT_LANES, fetchRefusal, listenOnBadPort } from '../aws/bad-port.js';

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

// One server for the file: a client keeps its connection alive, and a server restarted on the same
// port would meet it on a socket the old one closed.
let server: http.Server;
let url: string;
let answer: (res: http.ServerResponse) => void = (res) => res.writeHead(204).end();
let seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      answer(res);
    });
  });
  const port = await listenOnBadPort(server, BAD_PORT_LANES.clients);
  expect(await fetchRefusal(port)).toBe('bad port');
  url = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

/** The server on a port fetch refuses, answering with `a` from now on; what it is sent is recorded afresh. */
function badPortServer(a: (res: http.ServerResponse) => void): { url: string; seen: Seen[] } {
  answer = a;
  seen = [];
  return { url, get seen() { return seen; } };
}

describe('HTTP clients reach endpoints on ports fetch refuses', () => {
  it('remote write posts its snappy WriteRequest there, with its headers', async () => {
    const s = badPortServer((res) => res.writeHead(204).end());
    const w = new RemoteWriter(`${s.url}/api/v1/write`);
    w.push([{ labels: { __name__: 'shadowtap_up' }, value: 1, timestampMs: 1000 }]);
    const stats = await w.close();
    expect(stats).toEqual({ sent: 1, failed: 0, dropped: 0 });
    expect(s.seen).toHaveLength(1);
    const seen = s.seen[0]!;
    expect([seen.method, seen.url]).toEqual(['POST', '/api/v1/write']);
    expect(seen.headers).toMatchObject({ 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf', 'x-prometheus-remote-write-version': '0.1.0', 'user-agent': 'shadowtap' });
    expect(Buffer.from(uncompress(seen.body)).toString('latin1')).toContain('shadowtap_up');
  });

  it('remote write counts a non-2xx answer as failed and says its status once', async () => {
    const s = badPortServer((res) => res.writeHead(500).end('no'));
    const errors: string[] = [];
    const w = new RemoteWriter(`${s.url}/`, { onError: (m) => errors.push(m) });
    w.push([{ labels: { __name__: 'shadowtap_up' }, value: 1, timestampMs: 1000 }]);
    w.push([{ labels: { __name__: 'shadowtap_up' }, value: 1, timestampMs: 2000 }]);
    expect(await w.close()).toEqual({ sent: 0, failed: 2, dropped: 0 });
    expect(errors).toEqual(['remote write: HTTP 500']);
  });

  it('an OAuth2 token endpoint there gives its token to a client_credentials request', async () => {
    const s = badPortServer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'tok-1', expires_in: 3600 })));
    const p = new TokenProvider({ tokenUrl: `${s.url}/token`, grant: 'client_credentials', clientId: 'c', clientSecret: 's', scope: 'read', refreshBeforeMs: 0 }, 'test');
    await p.start();
    expect(p.current()).toBe('tok-1');
    const seen = s.seen[0]!;
    expect(seen.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${Buffer.from('c:s').toString('base64')}`, connection: 'close' });
    expect(seen.body.toString()).toBe('grant_type=client_credentials&scope=read');
  });

  it('an OAuth2 token endpoint that refuses → exit-2 error with its status only', async () => {
    const s = badPortServer((res) => res.writeHead(401).end('{"error":"invalid_client","access_token":"never shown"}'));
    const p = new TokenProvider({ tokenUrl: `${s.url}/token`, grant: 'client_credentials', clientId: 'c', clientSecret: 's', refreshBeforeMs: 0 }, 'targets[0]');
    await expect(p.start()).rejects.toThrow(`targets[0]: oauth2 token endpoint ${s.url}/token answered 401`);
  });
});
