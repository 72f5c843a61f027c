import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { startRecordingProxy, type RecordingProxy } from '../../src/capture/input-proxy.js';
import type { Exchange } from '../../src/exchange.js';
import { createRedactor } from '../../src/stages/redact/index.js';
import { toHarEntry } from '../../src/formats/har-entry.js';
import { patternBytes, sha256, startEchoServer, type EchoServer } from '../helpers/agent-servers.js';

/** GET through the proxy, reading the body slowly (paused between chunks), so the proxy must apply backpressure. */
function slowGet(url: string, pauseMs: number): Promise<{ body: Buffer; chunks: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        parts.push(c);
        res.pause();
        setTimeout(() => res.resume(), pauseMs);
      });
      res.on('end', () => resolve({ body: Buffer.concat(parts), chunks: parts.length }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('recording proxy: streaming and the recorded exchange', () => {
  let upstream: EchoServer;
  let proxy: RecordingProxy;
  let base: string;
  const recorded: Exchange[] = [];
  let consumed: Promise<void>;

  beforeAll(async () => {
    upstream = await startEchoServer({ keep: true });
    proxy = await startRecordingProxy({ host: '127.0.0.1', port: 0, upstream: upstream.url, maxBodyBytes: 4096 });
    base = `http://127.0.0.1:${proxy.port}`;
    consumed = (async () => {
      for await (const ex of proxy.exchanges) recorded.push(ex);
    })();
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('relays a large response to a slow reader byte for byte (pausing the upstream), and records it truncated', async () => {
    const size = 6 * 1024 * 1024;
    const { body, chunks } = await slowGet(`${base}/big?size=${size}&seed=9`, 2);
    expect(chunks).toBeGreaterThan(8);
    expect(sha256(body)).toBe(sha256(patternBytes(size, 9)));
    await new Promise((r) => setTimeout(r, 50));
    const ex = recorded.find((e) => e.request.target.startsWith('/big'))!;
    expect(ex.response?.status).toBe(200);
    expect(ex.response?.body?.size).toBe(size);
    expect(ex.response?.body?.truncated).toBe(true);
    expect(ex.response?.body?.base64).toBe(patternBytes(size, 9).subarray(0, 4096).toString('base64'));
    expect(ex.flags).toBeUndefined();
  });

  it('records what was on the wire: raw header order and case, timing order, and the redactor leaves a clean exchange as it is', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${base}/plain/1`, { headers: { 'X-One': 'a', 'x-TWO': 'b' } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
    await new Promise((r) => setTimeout(r, 50));
    const ex = recorded.find((e) => e.request.target.startsWith('/plain/1'))!;
    expect(ex.request.headers.map((h) => h.name)).toEqual(['X-One', 'x-TWO', 'Host', 'Connection']);
    expect(ex.response!.headers.map((h) => h.name)).toEqual(['X-Req-Sha256', 'X-Mixed-Case', 'X-Mixed-Case', 'Content-Length', 'Date', 'Connection', 'Keep-Alive']);
    const t = ex.timing;
    expect(t.requestStartUs <= t.requestEndUs && t.requestEndUs <= t.responseStartUs! && t.responseStartUs! <= t.responseEndUs!).toBe(true);
    expect(Math.abs(t.requestStartUs / 1000 - Date.now())).toBeLessThan(10_000);
    // Nothing to redact (no query secret, no credential header): the same object, unchanged.
    const redact = createRedactor({ enabled: true });
    expect(redact(ex)).toBe(ex);
    // A query parameter to redact: a redacted copy, the original untouched.
    const withSecret: Exchange = { ...ex, request: { ...ex.request, target: '/plain/1?token=abc' } };
    const out = redact(withSecret);
    expect(out.request.target).toMatch(/^\/plain\/1\?token=redacted:[0-9a-f]{16}$/);
    expect(withSecret.request.target).toBe('/plain/1?token=abc');
    expect(JSON.stringify(toHarEntry(redact(ex)))).toBe(JSON.stringify(toHarEntry(ex)));
  });

  it('ends the exchanges after close, with every one delivered', async () => {
    await proxy.close();
    await consumed;
    expect(recorded.length).toBe(proxy.stats().recorded);
    expect(proxy.stats().requests).toBe(2);
  });
});
