import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:https';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { request } from 'undici';
import { startRecordingProxy } from '../../src/capture/input-proxy.js';
import { listenLoopback } from '../helpers/listen.js';
import { selfSignedCert } from '../helpers/replay-proxy.js';
import { tempDir } from '../helpers/tmp.js';

const cli = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

/** An HTTPS upstream with a self-signed certificate for localhost, counting its connections. */
async function tlsUpstream(dir: string) {
  const cert = selfSignedCert(dir);
  const sockets: Socket[] = [];
  const server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    req.resume();
    res.end(`tls ${sockets.indexOf(req.socket)}`);
  });
  server.on('secureConnection', (s: Socket) => sockets.push(s));
  const port = await listenLoopback(server);
  return { server, sockets, port, certPath: cert.certPath };
}

describe('recording proxy to an https upstream (UpstreamPool over TLS)', () => {
  const dir = tempDir('pool-tls');
  it('refuses an upstream certificate it cannot verify: 502, counted as an upstream error', async () => {
    const up = await tlsUpstream(dir);
    const proxy = await startRecordingProxy({ host: '127.0.0.1', port: 0, upstream: `https://localhost:${up.port}` });
    const reader = (async () => {
      for await (const _ of proxy.exchanges);
    })();
    try {
      const r = await request(`http://127.0.0.1:${proxy.port}/x`);
      expect(r.statusCode).toBe(502);
      await r.body.text();
      expect(proxy.stats()).toMatchObject({ requests: 1, upstreamErrors: 1 });
    } finally {
      await proxy.close();
      await reader;
      up.server.closeAllConnections();
      await new Promise((r) => up.server.close(r));
    }
  });

  it('forwards over one verified, kept-alive TLS connection (server name from the upstream URL)', async () => {
    const up = await tlsUpstream(dir);
    const child = spawn(process.execPath, [cli, 'record', '--listen', '127.0.0.1:0', '--upstream', `https://localhost:${up.port}`, '--out', join(dir, 'out.jsonl')], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: up.certPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      let text = '';
      const url = await new Promise<string>((resolve, reject) => {
        const on = (c: Buffer): void => {
          text += c.toString();
          const m = /listening on (http:\/\/\S+)/.exec(text);
          if (m) resolve(m[1]!);
        };
        child.stdout.on('data', on);
        child.stderr.on('data', on);
        child.once('exit', (code) => reject(new Error(`record exited ${code}: ${text}`)));
      });
      const bodies: string[] = [];
      for (const p of ['/a', '/b', '/c']) {
        const r = await request(`${url}${p}`);
        expect(r.statusCode, p).toBe(200);
        bodies.push(await r.body.text());
      }
      expect(bodies).toEqual(['tls 0', 'tls 0', 'tls 0']);
      expect(up.sockets).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
      await exited;
      up.server.closeAllConnections();
      await new Promise((r) => up.server.close(r));
    }
  });
});
