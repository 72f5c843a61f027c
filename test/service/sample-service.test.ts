import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSampleService, type SampleService } from '../../src/service/app.js';
import { CLI } from '../helpers/capture-tools.js';

const started: SampleService[] = [];
afterAll(() => Promise.all(started.map((s) => s.close())));

async function svc(opts: Parameters<typeof startSampleService>[0]): Promise<SampleService> {
  const s = await startSampleService(opts);
  started.push(s);
  return s;
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe('sample service', () => {
  it('reports health, runs its smoke tests over HTTP, renders and works', async () => {
    const s = await svc({ buildVersion: '1.2.3' });
    const h = await get(`${s.url}/health`);
    expect(h.status).toBe(200);
    expect(h.json()).toMatchObject({ BuildVersion: '1.2.3', DatabaseConnectivity: true, MaintenanceMode: false });
    expect(Date.parse(h.json().BuildTimestamp as string)).toBeGreaterThan(0);
    const t = await get(`${s.url}/test`);
    expect(t.status).toBe(200);
    const body = t.json() as { Health: unknown; Tests: { Name: string; Success: boolean; Endpoint: string }[] };
    expect(body.Tests.map((x) => x.Name)).toEqual(['health', 'render-page', 'short-work']);
    expect(body.Tests.every((x) => x.Success)).toBe(true);
    expect(s.stats().served).toBeGreaterThanOrEqual(5); // /health + /test + its three own calls
    expect((await get(`${s.url}/render`)).text).toContain('<html>');
    const t0 = performance.now();
    const w = await get(`${s.url}/work?ms=120`);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
    expect(w.json()).toMatchObject({ ok: true, requestedMs: 120 });
    expect((await get(`${s.url}/work?ms=-1`)).status).toBe(400);
  });

  it('fails fast with 503 when every thread is busy, and queues (bounded) in queue mode', async () => {
    const ff = await svc({ threads: 3, mode: 'fail-fast' });
    const statuses = await Promise.all(Array.from({ length: 5 }, () => get(`${ff.url}/work?ms=300`).then((r) => r.status)));
    expect(statuses.sort()).toEqual([200, 200, 200, 503, 503]);
    const q = await svc({ threads: 2, mode: 'queue', queue: 2 });
    const t0 = performance.now();
    const qs = await Promise.all(Array.from({ length: 6 }, () => get(`${q.url}/work?ms=200`).then((r) => ({ s: r.status, at: performance.now() - t0 }))));
    expect(qs.map((x) => x.s).sort()).toEqual([200, 200, 200, 200, 503, 503]);
    // The queued two waited for a thread: done after two rounds of work, not one.
    expect(Math.max(...qs.filter((x) => x.s === 200).map((x) => x.at))).toBeGreaterThanOrEqual(390);
    expect(q.stats()).toMatchObject({ busy: 0, queued: 0, rejected: 2, served: 4 });
  });

  it('guards the maintenance switch with a token; in maintenance /health says so and /test answers 503', async () => {
    const s = await svc({ adminToken: 'sekrit' });
    const post = (auth: string | undefined, body: string) =>
      request(`${s.url}/admin/maintenance`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body }).then(async (r) => (await r.body.dump(), r.statusCode));
    expect(await post(undefined, '{"on":true}')).toBe(401);
    expect(await post('Bearer wrong!', '{"on":true}')).toBe(401);
    expect(await post('Bearer sekrit', '{"on":"yes"}')).toBe(400);
    expect((await get(`${s.url}/health`)).json().MaintenanceMode).toBe(false);
    expect(await post('Bearer sekrit', '{"on":true}')).toBe(200);
    const h = await get(`${s.url}/health`);
    expect(h.status).toBe(200);
    expect(h.json().MaintenanceMode).toBe(true);
    const t = await get(`${s.url}/test`);
    expect(t.status).toBe(503);
    expect((t.json().Tests as { Success: boolean }[]).some((x) => !x.Success)).toBe(true);
    expect((await get(`${s.url}/work?ms=1`)).status).toBe(503);
    expect(await post('Bearer sekrit', '{"on":false}')).toBe(200);
    expect((await get(`${s.url}/test`)).status).toBe(200);
  });

  it('is slower by --latency-factor', async () => {
    const s = await svc({ latencyFactor: 2 });
    const t0 = performance.now();
    await get(`${s.url}/work?ms=100`);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(195);
  });

  it('runs as `shadowtap sample-service`, printing its URL first and stopping on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'sample-service', '--port', '0', '--threads', '4', '--mode', 'queue', '--admin-token', 't'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      expect(line).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await get(`${line}/health`)).status).toBe(200);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
