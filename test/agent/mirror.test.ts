/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers of the agent, checked field by field by the tests */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { request } from 'undici';
import { startEchoServer, type EchoServer } from '../helpers/agent-servers.js';
import { startAgent, until } from '../helpers/agent-run.js';
import { tempDir } from '../helpers/tmp.js';
import { listenLoopback } from '../helpers/listen.js';

const dir = tempDir('shadowtap-mirror-');
const RATE = 200;
const SECONDS = 3;

/** A port nothing listens on: bind, read it, close. */
async function deadPort(): Promise<number> {
  const s = createServer();
  const port = await listenLoopback(s);
  await new Promise((r) => s.close(r));
  return port;
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/** Open-model load through the proxy: one request every 1/RATE s whether or not earlier ones returned. */
async function load(port: number): Promise<number[]> {
  const lat: number[] = [];
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < RATE * SECONDS; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const start = performance.now();
    pending.push(
      request(`http://127.0.0.1:${port}/m/${i}?size=300`, { method: i % 3 ? 'GET' : 'POST', ...(i % 3 ? {} : { body: 'payload' }) }).then(async (r) => {
        await r.body.text();
        lat.push(performance.now() - start);
      }),
    );
  }
  await Promise.all(pending);
  return lat;
}

describe('live mirroring to a slow or dead shadow', () => {
  let prod: EchoServer;
  let slow: EchoServer;
  beforeAll(async () => {
    prod = await startEchoServer();
    slow = await startEchoServer({ delayMs: 1500 });
  });
  afterAll(async () => {
    await prod.close();
    await slow.close();
  });

  it('leaves production latency unchanged and accounts for every captured exchange', { timeout: 90_000 }, async () => {
    const runs: Record<string, { client: number[]; server: number[]; final: any }> = {};
    const shadows = { none: undefined, slow: slow.url, down: `http://127.0.0.1:${await deadPort()}` };
    for (const [name, url] of Object.entries(shadows)) {
      const agent = await startAgent(
        dir,
        {
          source: { proxy: { listen: '127.0.0.1:0', upstream: prod.url } },
          ...(url ? { mirror: { targets: [{ url }], queue: 50, connections: 4, timeout: '3s' } } : { files: { dir: `${dir}/files-${name}` } }),
        },
        `agent-${name}.yaml`,
      );
      const from = prod.latenciesUs.length;
      const client = await load(agent.proxyPort!);
      const server = prod.latenciesUs.slice(from);
      if (url) expect(await until(async () => (await agent.api('GET', '/status')).json().mirror.offered === RATE * SECONDS, 5000)).toBe(true);
      const { code, final } = await agent.stop();
      expect(code).toBe(0);
      runs[name] = { client, server, final };
    }
    const p = (xs: number[], q: number): string => pct(xs, q).toFixed(2);
    for (const [name, r] of Object.entries(runs)) {
      console.log(`mirror ${name}: client p50 ${p(r.client, 50)} ms p99 ${p(r.client, 99)} ms; server p50 ${p(r.server.map((u) => u / 1000), 50)} ms p99 ${p(r.server.map((u) => u / 1000), 99)} ms; mirror ${JSON.stringify(r.final.mirror ?? {})}`);
    }
    const base = runs.none!;
    for (const name of ['slow', 'down'] as const) {
      const r = runs[name]!;
      expect(r.client).toHaveLength(RATE * SECONDS);
      expect(r.server).toHaveLength(RATE * SECONDS);
      // Measured server-side, as the issue asks: beyond noise = more than 2 ms worse at the median. The
      // client-side view through the proxy is printed above; on a shared 2-core machine it mostly shows
      // what else is running, so it is not asserted.
      expect(pct(r.server, 50) / 1000).toBeLessThan(pct(base.server, 50) / 1000 + 2);
      const m = r.final.mirror;
      expect(r.final.captured).toBe(RATE * SECONDS);
      expect(m.offered).toBe(RATE * SECONDS);
      const dropped = m.sampledOut + m.rateLimited + m.queueDropped + m.engineDropped + m.abandoned;
      expect(m.mirrored + dropped).toBe(r.final.captured);
    }
    // The slow shadow answered some (4 connections × 1.5 s) and the rest were dropped, not queued forever.
    expect(runs.slow!.final.mirror.queueDropped).toBeGreaterThan(0);
    expect(runs.down!.final.mirror.errors).toBe(runs.down!.final.mirror.mirrored);
    expect(slow.count()).toBeGreaterThan(0);
  });
});
