import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhaseReport, ReportModel } from '../../src/report/model.js';
import { runCli, startBrokenPathServer } from '../helpers/replay-fixtures.js';
import { startRedis } from '../helpers/redis-proc.js';
import { writeScenarios } from '../helpers/scenarios-files.js';
import { tempDir } from '../helpers/tmp.js';
import { startWorker } from '../distributed/worker-proc.js';

const dir = tempDir('shadowtap-scenario-coordinator-');
let server: Awaited<ReturnType<typeof startBrokenPathServer>>;
let redis: Awaited<ReturnType<typeof startRedis>>;

beforeAll(async () => void ([server, redis] = await Promise.all([startBrokenPathServer(), startRedis()])));
afterAll(async () => void (await Promise.all([server?.close(), redis?.stop()])));

const count = (prefix: string): number => server.received.filter((r) => r.url.startsWith(prefix)).length;

/** The report's reasons (why a run failed or was invalid), if it was written. */
function reasonsIn(out: string): string {
  try {
    return (JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as ReportModel).reasons.join('\n');
  } catch {
    return '';
  }
}

/** Issue 16: `run --coordinator redis://…` hands a phase with `workers: N` to `shadowtap worker` processes anywhere. */
describe('run --coordinator: scenario phases on remote workers', () => {
  it('rate phases with workers: 2 over two `worker --coordinator --keep` processes: merged counts equal what the target got; report and JUnit written', async () => {
    const file = writeScenarios(dir, 'scenarios.yaml', `configurations:
  t: { baseUrl: "${server.url}" }
scenarios:
  - name: remote
    smoke: false
    requests:
      - { path: /items, weight: 3 }
      - { path: /broken, weight: 1 }
    load:
      - { name: rated, rate: 100, duration: 1s, workers: 2 }
      - { name: again, rate: 40, duration: 500ms, workers: 2, requests: [{ path: /again }] }
    thresholds:
      errorRate: 50%
    validity: { maxLagP99: 1s, maxEventLoopDelayP99: 1s }
`);
    const out = join(dir, 'report');
    const junit = join(dir, 'junit.xml');
    // The URL's path names a pool: these two workers take its jobs; a worker of another pool gets none.
    const pool = `${redis.url}/scenarios`;
    // --keep: each worker takes one phase's job after the other, and ends once none comes within --wait.
    // The wait also bounds the first job, which comes only once `run` has started and loaded the file:
    // 2 s was too short on a loaded machine (a full Node 22 suite run: one worker gave up before the
    // first job, and the run's barrier timed out waiting for it).
    const workers = [startWorker(pool, ['--keep', '--wait', '6s']), startWorker(pool, ['--keep', '--wait', '6s'])];
    const stranger = startWorker(`${redis.url}/other`, ['--wait', '1s']);
    try {
      const r = await runCli(['run', file, '--coordinator', pool, '--out', out, '--junit', junit, '--quiet']);
      // --quiet prints no verdict: a full suite run once saw exit 3 here with an empty stderr.
      expect(r.code, `${r.stderr}${reasonsIn(out)}\nworkers: ${workers.map((w) => w.stderr()).join(' | ')}`).toBe(0);
      expect(await stranger.exited).toBe(3);
      expect(stranger.stderr()).toMatch(/no job within 1 s/);
      // Each worker ran its share of both phases and ended on its own once no further job came.
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
      for (const w of workers) expect(w.stderr()).toMatch(/no further job within 6 s after 2 jobs/);
      const m = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as ReportModel;
      const [rated, again] = m.scenarios[0]!.configurations[0]!.phases as [PhaseReport, PhaseReport];
      // 100 req/s for 1 s: requests 0..99, striped over the two remote workers; the target got each once.
      expect(count('/items') + count('/broken')).toBe(100);
      expect(rated.stats.requests).toBe(100);
      expect(rated.stats.statuses).toEqual({ '200': count('/items'), '500': count('/broken') });
      expect(rated.workers!.map((w) => w.requests)).toEqual([50, 50]);
      // The workers are the two processes started here, named host:pid.
      const pids = workers.map((w) => String(w.child.pid)).sort();
      expect(rated.workers!.map((w) => w.name.split(':').pop()).sort()).toEqual(pids);
      // 40 req/s for 0.5 s: requests 0..19, on the same two workers.
      expect(count('/again')).toBe(20);
      expect(again.stats.requests).toBe(20);
      expect(again.workers!.map((w) => w.name.split(':').pop()).sort()).toEqual(pids);
      expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<h3>Workers</h3>');
      expect(readFileSync(junit, 'utf8')).toMatch(/<testsuite[\s\S]*errorRate/);
    } finally {
      for (const w of [...workers, stranger]) w.child.kill('SIGKILL');
    }
  }, 60_000);

  it('a worker killed mid-phase: the run is invalid (exit 3) naming it, and the other worker is stopped', async () => {
    const file = writeScenarios(dir, 'long.yaml', `configurations:\n  t: { baseUrl: "${server.url}" }\nscenarios:\n  - name: s\n    smoke: false\n    requests: [{ path: /long }]\n    load:\n      - { rate: 50, duration: 20s, workers: 2 }\n    validity: { maxLagP99: 1s, maxEventLoopDelayP99: 1s }\n`);
    const workers = [startWorker(redis.url, ['--wait', '30s']), startWorker(redis.url, ['--wait', '30s'])];
    // The first request of the load (the probe before it goes to another path): both workers have started.
    const firstRequest = new Promise<void>((r) => {
      const seen = (q: IncomingMessage): void => void (q.url === '/long' && (server.server.off('request', seen), r()));
      server.server.on('request', seen);
    });
    try {
      // 3 s, not 1: a loaded machine can hold a starting worker's event loop (loading its task's modules)
      // for over a second, and the run then failed before its first request, on the wrong worker.
      const run = runCli(['run', file, '--coordinator', redis.url, '--heartbeat-timeout', '3s', '--quiet']);
      // A run that ends before the load starts (a barrier or heartbeat failure) fails here with its stderr,
      // instead of leaving this wait to the test's timeout (a full suite run under load once did).
      const early = await Promise.race([firstRequest.then(() => undefined), run]);
      expect(early, early?.stderr).toBeUndefined();
      const victim = workers[1]!.child;
      victim.kill('SIGKILL');
      const r = await run;
      expect(r.code, r.stderr).toBe(3);
      expect(r.stdout + r.stderr).toMatch(new RegExp(`:${victim.pid} \\(worker \\d of 2\\) stopped heartbeating`));
      expect(await workers[0]!.exited).toBe(3);
    } finally {
      for (const w of workers) w.child.kill('SIGKILL');
    }
  }, 60_000);

  it('a malformed or unreachable --coordinator URL: exit 2 naming the flag, before any load', async () => {
    const file = writeScenarios(dir, 'bad.yaml', `configurations:\n  t: { baseUrl: "${server.url}" }\nscenarios:\n  - name: s\n    smoke: false\n    requests: [{ path: /never }]\n    load:\n      - { rate: 10, duration: 1s, workers: 2 }\n`);
    // (The URL's other malformations are replay's cases in test/distributed/inputs.test.ts: one parser.)
    for (const url of ['redis://127.0.0.1:1', 'redis://127.0.0.1:6379/a/b']) {
      const r = await runCli(['run', file, '--coordinator', url, '--quiet']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`--coordinator ${url}:`);
    }
    expect(count('/never')).toBe(0);
  });
});
