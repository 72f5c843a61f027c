import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, recorded, runCli, startServer, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `--metrics-remote-write` against Debian's real Prometheus (its remote-write receiver on 127.0.0.1,
 * a temporary storage dir): a short replay streams its per-second series, which are then queried back
 * through Prometheus' HTTP API.
 */
describe('live metrics: Prometheus remote write', () => {
  const dir = tempDir('shadowtap-remote-write-');
  let prom: ChildProcess;
  let promUrl: string;
  let server: Awaited<ReturnType<typeof startServer>>;
  let capture: string;

  beforeAll(async () => {
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
    prom = spawn('/usr/bin/prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver'], { stdio: 'ignore' });
    // Ready when /-/ready answers 200: bounded in tries and time.
    for (let i = 0; i < 200; i++) {
      const ok = await fetch(`${promUrl}/-/ready`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i === 199 || prom.exitCode !== null) throw new Error('prometheus did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    server = await startServer();
    capture = await writeCapture(join(dir, 'ten.jsonl'), Array.from({ length: 10 }, (_, i) => recorded(i, i)));
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    if (prom && prom.exitCode === null) {
      prom.kill('SIGTERM');
      await once(prom, 'exit');
    }
  });

  const query = async (q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
    const r = (await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    expect(r.status).toBe('success');
    return r.data.result;
  };

  it('a replay streams rate, latency and response counters per target, queryable back', async () => {
    const r = await runCli(['replay', capture, '-t', server.url, '--rate', '20', '--loop', 'forever', '--duration', '3s', '--no-compare',
      '--max-lag-p99', 'off', '--max-loop-delay', 'off', '--quiet', '--metrics-remote-write', `${promUrl}/api/v1/write`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const responses = await query('shadowtap_responses_total{job="shadowtap",run="replay"}');
    expect(responses).toHaveLength(1);
    expect(responses[0]!.metric.target).toBe(server.url);
    expect(Number(responses[0]!.value[1])).toBeGreaterThan(0);
    expect(Number(responses[0]!.value[1])).toBeLessThanOrEqual(server.received.length);
    const latency = await query(`shadowtap_latency_seconds{target="${server.url}"}`);
    expect(latency.map((s) => s.metric.quantile).sort()).toEqual(['0.5', '0.9', '0.99', '1']);
    expect((await query('shadowtap_rate')).length).toBe(1);
  });

  it('a scenario run streams too, from the scenarios.yaml field metrics.remoteWrite, labelled with its run', async () => {
    const yaml = join(dir, 'scenarios.yaml');
    writeFileSync(yaml, `metrics:\n  remoteWrite: ${promUrl}/api/v1/write\nconfigurations:\n  a:\n    baseUrl: ${server.url}\nscenarios:\n  - name: live\n    smoke: false\n    requests: [{ path: / }]\n    load: [{ name: steady, rate: 20, duration: 2500ms }]\n`);
    const r = await runCli(['run', yaml, '--quiet', '--max-lag-p99', 'off', '--max-loop-delay', 'off']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const responses = await query('shadowtap_responses_total{run="live · a · steady"}');
    expect(responses).toHaveLength(1);
    expect(Number(responses[0]!.value[1])).toBeGreaterThan(0);
  });

  it('every query of deploy/grafana-dashboard.json runs on that Prometheus; rate, latency and lag panels have data', async () => {
    const { readFileSync } = await import('node:fs');
    const dash = JSON.parse(readFileSync(join(process.cwd(), 'deploy/grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const withData: string[] = [];
    for (const p of dash.panels) {
      for (const t of p.targets) {
        const expr = t.expr.replaceAll('$run', '.*').replaceAll('$target', '.*').replaceAll('$__rate_interval', '1m');
        if ((await query(expr)).length > 0) withData.push(p.title);
      }
    }
    expect(withData).toEqual(expect.arrayContaining(['Responses per second', 'Latency p50 / p90 / p99 / max (from the send)', 'Schedule lag p99', 'In flight']));
  });

  it('an endpoint that never answers does not hold the run: batches fail or drop, counted in one warning', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const sink = createServer((s) => void sockets.push(s)); // accepts, reads nothing, never answers
    await new Promise<void>((res) => sink.listen(0, '127.0.0.1', res));
    const port = (sink.address() as import('node:net').AddressInfo).port;
    try {
      const r = await runCli(['replay', capture, '-t', server.url, '--rate', '20', '--max-requests', '10', '--no-compare',
        '--max-lag-p99', 'off', '--max-loop-delay', 'off', '--quiet', '--metrics-remote-write', `http://127.0.0.1:${port}/api/v1/write`]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/remote write: \d+ batches sent, \d+ failed, \d+ dropped/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((res) => sink.close(res));
    }
  });
});
