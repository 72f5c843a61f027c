import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { readCaptureFile } from '../../src/formats/capture-file.js';
import { bodyBytes } from '../../src/body.js';
import { startRecordingProxy } from '../../src/capture/input-proxy.js';
import type { Exchange } from '../../src/exchange.js';
import { patternBytes, sha256, spawnCli, startEchoServer, type Cli, type EchoServer } from '../helpers/agent-servers.js';
import { tempDir } from '../helpers/tmp.js';
import { listenLoopback } from '../helpers/listen.js';

const dir = tempDir('shadowtap-record-');

interface Case {
  id: string;
  method: string;
  path: string;
  body?: Buffer;
  chunkedUpload?: boolean;
  headers: [string, string][];
}

// Varied traffic: binary bodies above and below the body limit, chunked both ways, HEAD, 204, repeats.
function cases(): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < 120; i++) {
    const size = [0, 1, 700, 5_000, 70_000][i % 5]!;
    const method = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'PATCH'][i % 6]!;
    const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
    const extra = i % 7 === 0 ? '&status=204' : i % 4 === 0 ? '&chunked=1' : '';
    out.push({
      id: `c${i}`,
      method,
      path: `/items/${i}?size=${size}&seed=${i}${extra}&q=a%20b`,
      headers: [
        ['X-Test-Id', `c${i}`],
        ['x-MiXeD-Case', 'first'],
        ['X-Repeat', 'a'],
        ['X-Repeat', 'b'],
        ['Authorization', `Bearer secret-${i}`],
      ],
      ...(hasBody ? { body: patternBytes(size + 3, 1000 + i), chunkedUpload: i % 2 === 0 } : {}),
    });
  }
  return out;
}

async function send(base: string, c: Case): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  const flat = c.headers.flat();
  const body = c.body ? (c.chunkedUpload ? Readable.from([c.body.subarray(0, 5), c.body.subarray(5)]) : c.body) : undefined;
  const res = await request(base + c.path, { method: c.method as 'GET', headers: flat, body });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, body: bytes, headers: res.headers };
}

describe('shadowtap record (recording reverse proxy)', () => {
  let upstream: EchoServer;
  let cli: Cli;
  let base: string;
  const out = join(dir, 'rec.jsonl.gz');

  beforeAll(async () => {
    upstream = await startEchoServer({ keep: true });
    cli = spawnCli(['record', '--listen', '127.0.0.1:0', '--upstream', upstream.url, '--out', out, '--max-body', '10000']);
    const m = await cli.waitFor(/listening on (http:\/\/[^ ]+)/);
    base = m[1]!;
  });
  afterAll(async () => {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    await upstream.close();
  });

  it('forwards every byte both ways, records every exchange, and exits 0 on SIGTERM', async () => {
    const all = cases();
    const results: Awaited<ReturnType<typeof send>>[] = [];
    for (let i = 0; i < all.length; i += 8) results.push(...(await Promise.all(all.slice(i, i + 8).map((c) => send(base, c)))));

    all.forEach((c, i) => {
      const r = results[i]!;
      const u = new URL(c.path, 'http://x');
      const status = Number(u.searchParams.get('status') ?? 200);
      expect(r.status).toBe(status);
      const expected = c.method === 'HEAD' || status === 204 ? Buffer.alloc(0) : patternBytes(Number(u.searchParams.get('size')), Number(u.searchParams.get('seed')));
      expect(sha256(r.body)).toBe(sha256(expected));
      const got = upstream.received.get(c.id)!;
      expect(sha256(got.body)).toBe(sha256(c.body ?? Buffer.alloc(0)));
      // Headers reach the server in the client's order and case (hop-by-hop ones aside).
      const names = got.rawHeaders.filter((_, k) => k % 2 === 0);
      const sent = c.headers.map(([n]) => n);
      expect(names.filter((n) => sent.includes(n))).toEqual(sent);
    });

    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const recorded = new Map<string, Exchange>();
    for await (const ex of readCaptureFile(out)) recorded.set(ex.request.headers.find((h) => h.name === 'X-Test-Id')!.value, ex);
    expect(recorded.size).toBe(all.length);
    all.forEach((c, i) => {
      const ex = recorded.get(c.id)!;
      expect(ex.request.method).toBe(c.method);
      expect(ex.request.target).toBe(c.path);
      expect(ex.response?.status).toBe(results[i]!.status);
      expect(ex.timing.responseEndUs! >= ex.timing.responseStartUs!).toBe(true);
      expect(ex.timing.responseStartUs! >= ex.timing.requestStartUs).toBe(true);
      const reqKept = bodyBytes(ex.request.body);
      const src = c.body ?? Buffer.alloc(0);
      expect(ex.request.body?.size ?? 0).toBe(src.length);
      expect(ex.request.body?.truncated ?? false).toBe(src.length > 10_000);
      expect(sha256(reqKept)).toBe(sha256(src.subarray(0, 10_000)));
      const resKept = bodyBytes(ex.response?.body);
      expect(ex.response?.body?.size ?? 0).toBe(results[i]!.body.length);
      expect(sha256(resKept)).toBe(sha256(results[i]!.body.subarray(0, 10_000)));
    });
    expect(cli.stderr()).toMatch(new RegExp(`${all.length} requests, ${all.length} recorded, 0 dropped`));
  });
});

describe('recording proxy with the writer blocked', () => {
  it('still answers every request without delay and counts the drops', async () => {
    const upstream = await startEchoServer();
    const proxy = await startRecordingProxy({ host: '127.0.0.1', port: 0, upstream: upstream.url, queueCapacity: 10 });
    try {
      // Nobody consumes proxy.exchanges: the writer is stuck for the whole test.
      const n = 200;
      const statuses: number[] = [];
      for (let i = 0; i < n; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: 20 }, async (_, k) => {
            const r = await request(`http://127.0.0.1:${proxy.port}/x/${i + k}?size=100`);
            await r.body.arrayBuffer();
            return r.statusCode;
          }),
        );
        statuses.push(...batch);
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(n);
      expect(upstream.count()).toBe(n);
      const s = proxy.stats();
      expect(s).toMatchObject({ requests: n, recorded: 10, dropped: n - 10, queued: 10 });
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});

describe('shadowtap record on SIGTERM', () => {
  it('stops accepting, finishes the requests in flight, flushes, exits 0', async () => {
    const upstream = await startEchoServer({ delayMs: 700 });
    const out = join(dir, 'inflight.jsonl');
    const cli = spawnCli(['record', '--listen', '127.0.0.1:0', '--upstream', upstream.url, '--out', out]);
    try {
      const base = (await cli.waitFor(/listening on (http:\/\/[^ ]+)/))[1]!;
      const inflight = Array.from({ length: 5 }, async (_, i) => {
        const r = await request(`${base}/slow/${i}?size=50000&seed=${i}`);
        return { status: r.statusCode, body: Buffer.from(await r.body.arrayBuffer()) };
      });
      await new Promise((r) => setTimeout(r, 250));
      cli.child.kill('SIGTERM');
      const done = await Promise.all(inflight);
      done.forEach((d, i) => {
        expect(d.status).toBe(200);
        expect(sha256(d.body)).toBe(sha256(patternBytes(50000, i)));
      });
      expect(await cli.exit).toBe(0);
      await expect(request(`${base}/late`)).rejects.toThrow(/ECONNREFUSED/);
      let n = 0;
      for await (const ex of readCaptureFile(out)) n += ex.response?.status === 200 ? 1 : 0;
      expect(n).toBe(5);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      await upstream.close();
    }
  });
});

describe('recording proxy with the upstream down', () => {
  it('answers 502, records the request flagged no-response, and counts it', async () => {
    const { createServer } = await import('node:net');
    const tmp = createServer();
    await listenLoopback(tmp);
    const dead = (tmp.address() as { port: number }).port;
    await new Promise((r) => tmp.close(r));
    const proxy = await startRecordingProxy({ host: '127.0.0.1', port: 0, upstream: `http://127.0.0.1:${dead}` });
    try {
      const got: Exchange[] = [];
      const reader = (async () => {
        for await (const ex of proxy.exchanges) got.push(ex);
      })();
      const r = await request(`http://127.0.0.1:${proxy.port}/nobody/home?x=1`, { method: 'POST', body: 'abc' });
      expect(r.statusCode).toBe(502);
      expect(await r.body.text()).toMatch(/upstream error/);
      await proxy.close();
      await reader;
      expect(proxy.stats()).toMatchObject({ requests: 1, recorded: 1, upstreamErrors: 1 });
      expect(got[0]).toMatchObject({ request: { method: 'POST', target: '/nobody/home?x=1' }, flags: ['no-response'] });
      expect(got[0]!.response).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });
});
