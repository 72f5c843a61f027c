import { describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { request } from 'undici';
import { startRecordingProxy } from '../../src/capture/input-proxy.js';
import { listenLoopback } from '../helpers/listen.js';

/** An upstream that counts its connections and answers each request with its connection's number. */
async function upstream(extra: Record<string, string> = {}) {
  const sockets: Socket[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    res.writeHead(200, { ...extra, 'content-length': '1' });
    res.end(String(sockets.indexOf(req.socket)));
  });
  server.on('connection', (s: Socket) => sockets.push(s));
  const port = await listenLoopback(server);
  return { server, sockets, port };
}

async function through(up: Awaited<ReturnType<typeof upstream>>, paths: string[], between?: () => Promise<void>): Promise<string[]> {
  const proxy = await startRecordingProxy({ host: '127.0.0.1', port: 0, upstream: `http://127.0.0.1:${up.port}` });
  const recorded: string[] = [];
  const reader = (async () => {
    for await (const ex of proxy.exchanges) recorded.push(ex.request.target);
  })();
  const bodies: string[] = [];
  try {
    for (const p of paths) {
      const r = await request(`http://127.0.0.1:${proxy.port}${p}`);
      expect(r.statusCode, p).toBe(200);
      bodies.push(await r.body.text());
      await between?.();
    }
  } finally {
    await proxy.close();
    await reader;
    up.server.closeAllConnections();
    await new Promise((r) => up.server.close(r));
  }
  expect(recorded).toEqual(paths);
  return bodies;
}

describe('recording proxy upstream connections (UpstreamPool)', () => {
  it('sends sequential requests on one kept-alive upstream connection, adding no listener per request', async () => {
    const up = await upstream();
    const warnings: string[] = [];
    const onWarning = (w: Error): number => warnings.push(w.name);
    process.on('warning', onWarning);
    const paths = Array.from({ length: 24 }, (_, i) => `/r${i}`);
    try {
      expect(await through(up, paths)).toEqual(paths.map(() => '0'));
    } finally {
      process.off('warning', onWarning);
    }
    expect(up.sockets).toHaveLength(1);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('does not reuse a connection the upstream keeps for under a second (Keep-Alive: timeout=1)', async () => {
    const up = await upstream({ 'keep-alive': 'timeout=1' });
    expect(await through(up, ['/a', '/b', '/c'])).toEqual(['0', '1', '2']);
  });

  it('answers every request when the upstream closes the idle connection between them (a new connection serves the next)', async () => {
    const up = await upstream();
    const closedByUpstream = async (): Promise<void> => {
      const s = up.sockets.at(-1)!;
      const gone = new Promise((r) => s.once('close', r));
      up.server.closeIdleConnections();
      await gone;
    };
    expect(await through(up, ['/a', '/b', '/c'], closedByUpstream)).toEqual(['0', '1', '2']);
  });
});
