import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '@redis/client';
import { RedisServer } from '../helpers/redis-server.js';
import { startNodeServer } from '../helpers/capture-tools.js';
import { startAgent, until } from '../helpers/agent-run.js';
import { tempDir } from '../helpers/tmp.js';

/** The agent's stream sink: exchanges (redacted) reach the stream; drops and reconnects show in /status and /metrics. */
const dir = tempDir('shadowtap-agent-stream-');
let redis: RedisServer | undefined;
let upstream: Awaited<ReturnType<typeof startNodeServer>> | undefined;

afterAll(async () => {
  await upstream?.close();
  await redis?.stop();
});

describe('agent stream sink (agent.yaml stream.url: redis://…)', () => {
  it('publishes redacted exchanges; Redis down → drops and reconnects in /status and /metrics', async () => {
    redis = await RedisServer.start();
    upstream = await startNodeServer();
    const agent = await startAgent(dir, { source: { proxy: { listen: '127.0.0.1:0', upstream: `http://127.0.0.1:${upstream.port}` } }, stream: { url: `${redis.url}/agent`, queue: 10 } });
    try {
      const get = (path: string): Promise<Response> => fetch(`http://127.0.0.1:${agent.proxyPort}${path}`, { headers: { authorization: 'Bearer sekrit-token-value' } });
      for (let i = 0; i < 5; i++) await (await get(`/a${i}`)).text();
      const c = createClient({ url: redis.url });
      await c.connect();
      expect(await until(async () => (await c.xLen('agent')) === 5, 10_000)).toBe(true);
      const [entry] = await c.xRange('agent', '-', '+', { COUNT: 1 });
      expect(entry!.message.x).toContain('/a0');
      expect(entry!.message.x).not.toContain('sekrit-token-value');
      await c.close();
      await redis.stop();
      for (let i = 0; i < 30; i++) await (await get(`/b${i}`)).text();
      expect(await until(async () => (await agent.api('GET', '/status')).json().stream.droppedQueueFull > 0, 10_000)).toBe(true);
      const metrics = (await agent.api('GET', '/metrics')).text;
      expect(metrics).toMatch(/shadowtap_agent_stream_published_total 5/);
      expect(metrics).toMatch(/shadowtap_agent_stream_dropped_total\{reason="queue_full"\} [1-9]/);
      expect(metrics).toMatch(/shadowtap_agent_stream_connected 0/);
      const status = (await agent.api('GET', '/status')).json();
      expect(status.stream.url).toBe(`${redis.url}/agent`);
    } finally {
      expect((await agent.stop()).code).toBe(0);
    }
  }, 60_000);
});
