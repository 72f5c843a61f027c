import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportModel } from '../../src/report/model.js';
import { parseScenarios } from '../../src/scenarios/load.js';
import { Progress } from '../../src/scenarios/progress.js';
import { runScenarios } from '../../src/scenarios/runner.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import { recorded, startBrokenPathServer, startServer, writeCapture } from '../helpers/replay-fixtures.js';
import { startTinyproxy } from '../helpers/replay-proxy.js';
import { startSampleService } from '../../src/service/app.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-phases-');
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => void (server = await startBrokenPathServer()));
afterAll(() => server.close());

async function run(yaml: string): Promise<ReportModel> {
  return runScenarios(parseScenarios(YamlSource.parse(`${dir}/s.yaml`, yaml), {}), { progress: new Progress(process.stderr, true) });
}

describe('load phases and thresholds', () => {
  it('runs a weighted mix (method, headers, JSON body), a closed-model phase and a capture replay', async () => {
    // 200 ms apart (100 ms at speed 2): the achieved rate of 12 responses is 11 gaps over their span, and a
    // loaded machine delaying one response by 20 ms must not move it past the 90 % threshold (at 20 ms
    // apart it did: 85.6 of 100 req/s).
    await writeCapture(`${dir}/cap.jsonl`, Array.from({ length: 12 }, (_, i) => recorded(i, i * 200, { target: `/users/${i}` })));
    const m = await run(`configurations:
  t: { baseUrl: "${server.url}", headers: { X-Env: staging } }
scenarios:
  - name: phases
    smoke: false
    requests:
      - { path: /items?page=1, weight: 3, endpoint: /items }
      - { method: POST, path: /orders, body: { sku: 7 }, headers: { X-Req: one } }
    load:
      - { rate: 200, duration: 500ms }
      - { connections: 4, duration: 500ms }
      - { replay: cap.jsonl, speed: 2 }
    thresholds:
      errorRate: 0%
      achievedRate: 90%
      endpoints: { /orders: { p99: 1s } }
    validity: { maxLagP99: 1s, maxEventLoopDelayP99: 1s }
`);
    const [rate, closed, replay] = m.scenarios[0]!.configurations[0]!.phases;
    expect([rate!.kind, closed!.kind, replay!.kind]).toEqual(['rate', 'connections', 'replay']);
    expect(rate!.stats.requests).toBe(100);
    const byEndpoint = Object.fromEntries(rate!.stats.endpoints.map((e) => [e.endpoint, e.requests]));
    expect(byEndpoint['/items']! + byEndpoint['/orders']!).toBe(100);
    expect(Math.abs(byEndpoint['/items']! - 75)).toBeLessThanOrEqual(1); // weights 3:1, no randomness
    const post = server.received.find((r) => r.method === 'POST')!;
    expect(post.url).toBe('/orders');
    expect(JSON.parse(post.body.toString())).toEqual({ sku: 7 });
    const headers = Object.fromEntries(post.rawHeaders.flatMap((v, i, a) => (i % 2 ? [] : [[v.toLowerCase(), a[i + 1]]])));
    expect(headers).toMatchObject({ 'x-env': 'staging', 'x-req': 'one', 'content-type': 'application/json' });
    // autocannon: as fast as 4 connections go, every response counted with its endpoint.
    expect(closed!.stats.requests).toBeGreaterThan(20);
    expect(closed!.stats.endpoints.map((e) => e.endpoint).sort()).toEqual(['/items', '/orders']);
    expect(replay!.stats.requests).toBe(12);
    expect(server.received.filter((r) => r.url.startsWith('/users/'))).toHaveLength(12);
    const t = m.scenarios[0]!.thresholds;
    expect(t.filter((x) => x.metric === 'errorRate').every((x) => x.pass && x.actual === 0)).toBe(true);
    expect(t.filter((x) => x.endpoint === '/orders').map((x) => x.phase)).toEqual(['rate 200 req/s', '4 connections']);
    expect(m.verdict, JSON.stringify(t.filter((x) => !x.pass))).toBe('pass');
  });

  it('fails thresholds on 5xx answers and a missed latency limit, per endpoint', async () => {
    const m = await run(`configurations:
  t: { baseUrl: "${server.url}" }
scenarios:
  - name: errors
    smoke: false
    requests: [{ path: /broken, weight: 1 }, { path: /fine, weight: 1 }]
    load: [{ rate: 100, duration: 300ms }]
    thresholds:
      errorRate: 10%
      p50: 0ms
      endpoints: { /fine: { errorRate: 0% }, /typo: { p99: 1s } }
    validity: { maxLagP99: 1s, maxEventLoopDelayP99: 1s }
`);
    const t = m.scenarios[0]!.thresholds;
    expect(t.find((x) => x.metric === 'errorRate' && !x.endpoint)).toMatchObject({ pass: false, actual: 0.5 });
    expect(t.find((x) => x.metric === 'p50')!.pass).toBe(false);
    expect(t.find((x) => x.endpoint === '/fine')).toMatchObject({ pass: true, actual: 0 });
    expect(t.find((x) => x.endpoint === '/typo')).toMatchObject({ pass: false, message: 'no requests to this endpoint in any phase' });
    expect([m.verdict, m.exitCode]).toEqual(['fail', 1]);
    expect(m.reasons.some((r) => r.includes('errorRate 50 % (limit ≤ 10 %)'))).toBe(true);
  });

  it('goes through a configuration\'s HTTP proxy (a real tinyproxy with credentials) for smoke checks and load', async () => {
    const proxy = await startTinyproxy(dir);
    const svc = await startSampleService({ threads: 20 });
    try {
      const m = await run(`configurations:
  viaproxy: { baseUrl: "${svc.url}", proxy: "http://user:pa55@127.0.0.1:${proxy.port}" }
scenarios:
  - name: proxied
    requests: [{ path: /render }]
    load: [{ rate: 50, duration: 400ms }]
    thresholds: { smoke: available, errorRate: 0% }
    validity: { maxLagP99: 1s, maxEventLoopDelayP99: 1s }
`);
      const c = m.scenarios[0]!.configurations[0]!;
      expect(c.proxy).toBe(`http://user:***@127.0.0.1:${proxy.port}`);
      expect(JSON.stringify(m)).not.toContain('pa55');
      expect(c.smoke!.state).toBe('healthy');
      expect(c.phases[0]!.stats.endpoints[0]).toMatchObject({ endpoint: '/render', requests: 20, errors: 0 });
      expect(m.verdict).toBe('pass');
      // /health, /test and the 20 loads went through the proxy (its own /test calls go direct).
      expect(svc.stats().served).toBeGreaterThanOrEqual(22);
      expect(proxy.log()).toMatch(/Connect \(file descriptor \d+\): 127\.0\.0\.1/);
    } finally {
      await proxy.stop();
      await svc.close();
    }
  });
});
