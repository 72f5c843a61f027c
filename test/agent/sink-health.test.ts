/* eslint-disable @typescript-eslint/no-explicit-any -- the agent's status objects, checked field by field */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { request } from 'undici';
import type { Agent } from '../../src/agent/agent.js';
import { startEchoServer, type EchoServer } from '../helpers/agent-servers.js';
import { startAgent, until } from '../helpers/agent-run.js';
import { RedisServer } from '../helpers/redis-server.js';
import { tempDir } from '../helpers/tmp.js';
import { listenLoopback } from '../helpers/listen.js';
import { startInProcess } from './in-process.js';

const dir = tempDir('shadowtap-sink-health-');

describe('agent with a sink that is down: a Redis stream, a shadow', () => {
  let upstream: EchoServer;
  let redis: RedisServer;
  let agent: Agent | undefined;

  beforeAll(async () => {
    upstream = await startEchoServer();
    // A port Redis will come back on: started once for its port, then stopped (an outage from the start).
    redis = await RedisServer.start();
    await redis.stop();
  });
  afterAll(async () => {
    await agent?.stop();
    await redis.stop();
    await upstream.close();
  });

  const send = async (port: number, n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const r = await request(`http://127.0.0.1:${port}/s/${i}`);
      await r.body.arrayBuffer();
    }
  };
  const stream = (): any => agent!.streamStats();

  it('is degraded with the reason while Redis is down, logs each outage once, and counts what is still queued at stop', { timeout: 60_000 }, async () => {
    const started = await startInProcess({ source: { proxy: { listen: '127.0.0.1:0', upstream: upstream.url } }, stream: { url: `${redis.url}/traffic`, queue: 20 } });
    agent = started.agent;
    const { logs } = started;
    const port = agent.source.state.proxyPort!;

    const down = await logs.line(/^stream degraded$/);
    expect(down.level).toBe('warn');
    expect(down.extra.reason).toMatch(/^not connected to Redis/);
    const h = agent.health();
    expect(h.status).toBe('degraded');
    expect(h.reasons).toEqual([expect.stringMatching(/^stream redis:\/\/127\.0\.0\.1:\d+\/traffic: not connected to Redis/)]);

    // 30 exchanges into a queue of 20: 10 dropped, and still one line for the whole outage.
    await send(port, 30);
    expect(await until(() => stream().queued + stream().droppedQueueFull === 30, 5000, 20)).toBe(true);
    expect(stream()).toMatchObject({ published: 0, queued: 20, droppedQueueFull: 10, connected: false });
    expect(logs.count(/^stream degraded$/)).toBe(1);

    await redis.start();
    const back = await logs.line(/^stream recovered$/);
    // Exchanges were lost during the outage: the end of it is a warning too, with how many.
    expect(back).toMatchObject({ level: 'warn', extra: { lost: 10 } });
    expect(await until(() => stream().published === 20, 10_000, 20)).toBe(true);
    expect(agent.health()).toEqual({ status: 'ok', reasons: [] });

    // Redis goes away mid-run: a second episode, a second line.
    await redis.stop();
    const again = await logs.line(/^stream degraded$/, 2);
    expect(again.extra.reason).toMatch(/^not connected to Redis/);
    expect(agent.health().status).toBe('degraded');
    await send(port, 5);
    expect(await until(() => stream().queued === 5, 5000, 20)).toBe(true);

    const a = agent;
    agent = undefined;
    await a.stop();
    const final = a.finalCounts() as any;
    expect(final.stream).toMatchObject({ lostAtStop: 5, queued: 0, published: 20, droppedQueueFull: 10 });
    const { published, droppedQueueFull, droppedFailed, lostAtStop } = final.stream;
    expect(published + droppedQueueFull + droppedFailed + lostAtStop).toBe(final.captured);
    expect(final.captured).toBe(35);
    expect(logs.records.find((r) => r.msg === 'stopping: stream entries not published, counted as lost')).toMatchObject({ level: 'error', extra: { lost: 5 } });
    expect(logs.count(/^stream degraded$/)).toBe(2);
  });

  it('is degraded with the reason while every mirrored request fails (a shadow that is down)', { timeout: 30_000 }, async () => {
    const probe = createServer();
    const dead = await listenLoopback(probe);
    await new Promise((r) => probe.close(r));
    const { agent: a, logs } = await startInProcess({ source: { proxy: { listen: '127.0.0.1:0', upstream: upstream.url } }, mirror: { targets: [{ url: `http://127.0.0.1:${dead}` }], timeout: '2s' } });
    try {
      expect(a.health().status).toBe('ok');
      await send(a.source.state.proxyPort!, 3);
      const down = await logs.line(/^mirror degraded$/);
      expect(down.extra.reason).toMatch(/^every mirrored request fails/);
      expect(a.health()).toEqual({ status: 'degraded', reasons: [expect.stringMatching(/^mirror: every mirrored request fails/)] });
    } finally {
      await a.stop();
    }
  });

  // Spawns dist/cli/main.js: sees a change to src/ only once the CLI is rebuilt.
  it('the CLI\'s "agent stopped" line carries the stream\'s counts, lostAtStop among them', { timeout: 60_000 }, async () => {
    await redis.stop();
    const cli = await startAgent(dir, { source: { proxy: { listen: '127.0.0.1:0', upstream: upstream.url } }, stream: { url: `${redis.url}/traffic`, queue: 20 } });
    try {
      expect((await cli.api('GET', '/health', null)).json()).toEqual({ status: 'degraded' });
      await cli.cli.waitFor(/"level":40,.*"msg":"stream degraded"/);
      await send(cli.proxyPort!, 3);
      expect(await until(async () => (await cli.api('GET', '/status')).json().stream.queued === 3, 5000, 20)).toBe(true);
    } finally {
      const { code, final } = await cli.stop();
      expect(code).toBe(0);
      expect(final).toMatchObject({ captured: 3, stream: { published: 0, lostAtStop: 3, connected: false } });
    }
  });
});
