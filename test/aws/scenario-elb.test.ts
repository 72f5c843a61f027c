import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { scenariosFileSchema } from '../../src/scenarios/schema.js';
import type { LocalElb } from '../../src/aws/local/index.js';
import { allHealthy, awsEnv, localElb, sampleFleet, statesOf, waitFor } from '../helpers/aws-local.js';
import { shadowtap } from '../helpers/aws-cli.js';
import { tempDir } from '../helpers/tmp.js';
import { listenLoopback } from '../helpers/listen.js';

let fleet: Awaited<ReturnType<typeof sampleFleet>>;
let elb: LocalElb;
let control: http.Server;
let controlUrl: string;
const dir = tempDir('shadowtap-aws-scenario-');

beforeAll(async () => {
  fleet = await sampleFleet(3);
  elb = await localElb({
    targetGroups: [
      { name: 'web', loadBalancer: 'web-lb', healthCheckIntervalMs: 200, healthCheckTimeoutMs: 2000, deregistrationDelayMs: 1000, targets: fleet.ports.map((port) => ({ id: '127.0.0.1', port })) },
      // A pool with one target that never answers its health check.
      { name: 'sick', healthCheckIntervalMs: 200, healthCheckTimeoutMs: 2000, targets: [{ id: '127.0.0.1', port: fleet.ports[0]! }, { id: '127.0.0.1', port: 1 }] },
    ],
  });
  control = http.createServer((req, res) => {
    const [, action, i] = (req.url ?? '').split('/');
    void (async () => {
      await fleet.kill(Number(i));
      if (action === 'crash') await new Promise((r) => setTimeout(r, 800));
      await fleet.start(Number(i));
      res.end('ok');
    })();
  });
  await listenLoopback(control);
  controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  await allHealthy(elb, 'web');
  await waitFor(() => statesOf(elb, 'sick').join() === 'healthy,unhealthy', 'the sick pool to settle');
});
afterAll(() => new Promise<void>((r) => control.close(() => r())));

const post = "fetch(process.argv[1], { method: 'POST' }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))";

function scenarioFile(name: string, scenario: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify({
    version: 1,
    configurations: { alb: { baseUrl: elb.loadBalancers.get('web-lb')!.url, connections: 32 } },
    scenarios: [{
      name, smoke: false, requests: [{ path: '/render' }],
      // The targets and the load balancer share this test's process: lag here says nothing about the drain.
      validity: { maxLagP99: '2s', maxEventLoopDelayP99: '2s' },
      ...scenario,
    }],
  }));
  return file;
}

const drainStep = (mode: string, i: number, action: string) => ({
  targetGroup: 'web', target: `127.0.0.1:${fleet.ports[i]}`, mode, at: '1s', poll: '100ms',
  waiterMinDelay: '200ms', waiterMaxDelay: '400ms', waiterMaxWait: '20s', endpointUrl: elb.endpointUrl,
  command: ['node', '-e', post, `${controlUrl}/${action}/${i}`],
});

interface Model {
  exitCode: number;
  reasons: string[];
  scenarios: { verdict: string; thresholds: { metric: string; pass: boolean; actual: unknown }[]; configurations: { phases: { timeline?: { atMs: number; label: string; state?: string }[]; validity: { valid: boolean; reasons: string[] } }[] }[] }[];
}

describe('scenarios.yaml: requireHealthy and drain steps', () => {
  it('requireHealthy with too few healthy targets → exit 3 before any load, naming the group and the unhealthy target', async () => {
    const before = [...elb.loadBalancers.get('web-lb')!.requestsByTarget.values()].reduce((a, b) => a + b, 0);
    const file = scenarioFile('gate', { requireHealthy: { targetGroup: 'sick', minHealthy: 2, endpointUrl: elb.endpointUrl }, load: [{ rate: 50, duration: '2s' }] });
    const r = await shadowtap(['run', file, '--json', '--quiet'], awsEnv(), 60_000);
    const model = JSON.parse(r.stdout) as Model;
    expect(model.reasons.join('\n')).toContain('target group "sick" has 1 healthy target(s), needs at least 2; not healthy: 127.0.0.1:1 unhealthy (Target.FailedHealthChecks: Health checks failed)');
    expect(model.scenarios[0]!.verdict).toBe('invalid');
    expect(r.code).toBe(3);
    expect([...elb.loadBalancers.get('web-lb')!.requestsByTarget.values()].reduce((a, b) => a + b, 0)).toBe(before);
  });

  it('graceful drain during a 200 req/s phase → no failed request, timeline on the phase, exit 0', async () => {
    const file = scenarioFile('deploy', { requireHealthy: { targetGroup: 'web', minHealthy: 3, endpointUrl: elb.endpointUrl }, load: [{ name: 'steady', rate: 200, duration: '6s' }], drain: drainStep('graceful', 1, 'restart') });
    const report = join(dir, 'report');
    const once = async () => {
      const r = await shadowtap(['run', file, '--json', '--quiet', '--report', report], awsEnv(), 60_000);
      return { r, model: JSON.parse(r.stdout) as Model };
    };
    // The load balancer and targets share this test's process, so a stall of that process (a full suite
    // runs two more files on this 2-core machine) leaves the generator without a free connection: sends
    // more than 1 s late are skipped and the run is invalid (exit 3), which says nothing about the drain.
    // Such a run, and only such a run, is measured again, once; the drain is repeatable (its target ends healthy).
    // The phase's own validity says which reasons are the generator's (replay/validity.ts).
    // The stall that made sends late also delays the cycle's steps (the restarted target, its health
    // checks), so a drain that then outlasted the phase is the same stall, not a drain fault (seen once
    // in a full suite run: 99 sends late, and the cycle outlasted the 6 s phase it ends ~3 s into).
    const generatorOnly = (m: Model): boolean => {
      const v = m.scenarios[0]!.configurations[0]!.phases[0]!.validity;
      return !v.valid && m.reasons.length > 0 && m.reasons.every((x) => v.reasons.some((g) => x.includes(g)) || /drain cycle of .* outlasted/.test(x));
    };
    let { r, model } = await once();
    if (r.code === 3 && generatorOnly(model)) ({ r, model } = await once());
    const s = model.scenarios[0]!;
    // The report draws the cycle over the phase's charts.
    expect(readFileSync(join(report, 'index.html'), 'utf8')).toContain('target: draining');
    expect(s.thresholds.find((t) => t.metric === 'drain.failedRequests')).toMatchObject({ pass: true, actual: 0 });
    const timeline = s.configurations[0]!.phases[0]!.timeline!;
    expect(timeline.map((e) => (e.state ? `${e.label}: ${e.state}` : e.label))).toEqual(['target: draining', 'target: unused', 'command', 'target: initial', 'target: healthy']);
    expect(timeline.every((e, i) => i === 0 || e.atMs >= timeline[i - 1]!.atMs)).toBe(true);
    // The reasons: a full suite run saw exit 3 here with every other assertion passing.
    expect(r.code, model.reasons.join('\n')).toBe(0);
  });

  it('abrupt crash during the phase → failures counted with timestamps, exit 1', async () => {
    const file = scenarioFile('crash', { load: [{ name: 'steady', rate: 200, duration: '5s' }], drain: drainStep('abrupt', 0, 'crash') });
    const r = await shadowtap(['run', file, '--json', '--quiet'], awsEnv(), 60_000);
    const model = JSON.parse(r.stdout) as Model;
    const t = model.scenarios[0]!.thresholds.find((x) => x.metric === 'drain.failedRequests')!;
    expect(t.pass).toBe(false);
    expect(t.actual).toBeGreaterThan(0);
    expect(model.reasons.join('\n')).toMatch(/request\(s\) failed through the load balancer during the abrupt cycle of 127\.0\.0\.1:\d+ \(first at \d+ ms, last at \d+ ms\)/);
    expect(model.scenarios[0]!.verdict).toBe('fail');
    expect(r.code).toBe(1);
  });

  it('a configuration baseUrl elbv2://<group> is the first healthy target of the group', async () => {
    const file = join(dir, 'by-elb.yaml');
    writeFileSync(file, stringify({
      version: 1,
      configurations: { direct: { baseUrl: `elbv2://web?endpoint=${encodeURIComponent(elb.endpointUrl)}` } },
      scenarios: [{ name: 'one-target', smoke: { test: false }, thresholds: { smoke: 'healthy' } }],
    }));
    const r = await shadowtap(['run', file, '--json', '--quiet'], awsEnv(), 60_000);
    const model = JSON.parse(r.stdout) as { scenarios: { configurations: { baseUrl: string }[] }[] };
    expect(fleet.ports.map((p) => `http://127.0.0.1:${p}`)).toContain(model.scenarios[0]!.configurations[0]!.baseUrl);
    expect(r.code).toBe(0);
  });

  it('accepts the README example of the ELB steps', () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## AWS ELBv2')))![1]!;
    const r = scenariosFileSchema.safeParse(parse(example));
    expect(r.success ? [] : r.error.issues).toEqual([]);
  });
});
