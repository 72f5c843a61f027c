import { describe, expect, it } from 'vitest';
import { createServer, type Socket } from 'node:net';
import { request } from 'undici';
import { startRecordingProxy } from '../../src/capture/input-proxy.js';
import { listenLoopback } from '../helpers/listen.js';

describe('recording proxy and a kept-alive upstream connection that closes under it', () => {
  it('sends a bodiless request again on a fresh connection instead of answering 502', async () => {
    // The upstream answers the first request on a connection and resets the connection when a second
    // one arrives on it: what a server closing an idle connection does as the request crosses it.
    const seen: string[] = [];
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      let served = 0;
      s.on('error', () => undefined);
      s.on('data', (c: Buffer) => {
        seen.push(c.toString('latin1').split('\r\n')[0]!);
        if (served++ === 0) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        else s.resetAndDestroy();
      });
    });
    const port = await listenLoopback(server);
    const proxy = await startRecordingProxy({ host: '127.0.0.1', port: 0, upstream: `http://127.0.0.1:${port}` });
    const reader = (async () => {
      for await (const _ of proxy.exchanges);
    })();
    try {
      for (const path of ['/first', '/second']) {
        const r = await request(`http://127.0.0.1:${proxy.port}${path}`);
        expect(r.statusCode, path).toBe(200);
        expect(await r.body.text()).toBe('ok');
      }
      expect(seen).toEqual(['GET /first HTTP/1.1', 'GET /second HTTP/1.1', 'GET /second HTTP/1.1']);
      expect(proxy.stats()).toMatchObject({ requests: 2, upstreamErrors: 0 });
    } finally {
      await proxy.close();
      await reader;
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
