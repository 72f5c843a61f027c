import { describe, expect, it } from 'vitest';
import { createServer, type Socket } from 'node:net';
import { request } from 'undici';
import { startRecordingProxy } from '../../src/capture/input-proxy.js';
import type { Exchange } from '../../src/exchange.js';
import { listenLoopback } from '../helpers/listen.js';

describe('recording proxy stopping with a request that does not end', () => {
  it('cuts it once the grace is over, records it and counts it as cut at stop', async () => {
    // An upstream that takes requests and never answers (a long poll, a stalled service).
    const sockets = new Set<Socket>();
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((r) => (arrived = r));
    const server = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
      s.once('data', () => arrived());
    });
    const port = await listenLoopback(server);
    const proxy = await startRecordingProxy({ host: '127.0.0.1', port: 0, upstream: `http://127.0.0.1:${port}`, stopGraceMs: 300 });
    const got: Exchange[] = [];
    const reader = (async () => {
      for await (const ex of proxy.exchanges) got.push(ex);
    })();
    try {
      const pending = request(`http://127.0.0.1:${proxy.port}/long-poll`).then(
        () => 'answered',
        (err: Error) => `failed: ${err.message}`,
      );
      await inFlight;
      await proxy.close();
      await reader;
      expect(await pending).toMatch(/^failed/);
      expect(proxy.stats()).toMatchObject({ requests: 1, cutAtStop: 1, clientAborts: 0, upstreamErrors: 0 });
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ request: { target: '/long-poll' }, flags: ['no-response'] });
    } finally {
      await proxy.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
