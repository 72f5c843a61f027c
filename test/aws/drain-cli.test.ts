import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allHealthy, awsEnv, localElb, sampleFleet } from '../helpers/aws-local.js';
import { expectNoStack, shadowtap } from '../helpers/aws-cli.js';
import { listenLoopback } from '../helpers/listen.js';

let fleet: Awaited<ReturnType<typeof sampleFleet>>;
let endpointUrl: string;
let lbUrl: string;
let control: http.Server;
let controlUrl: string;

beforeAll(async () => {
  fleet = await sampleFleet(3);
  const elb = await localElb({
    targetGroups: [{
      // Draining lasts 3 s: the CLI polls states every 100 ms, but on a loaded machine a poll can come
      // 1.7 s late, and the test wants to see the draining state go by.
      name: 'web', loadBalancer: 'web-lb', healthCheckIntervalMs: 200, healthCheckTimeoutMs: 2000, deregistrationDelayMs: 3000,
      targets: fleet.ports.map((port) => ({ id: '127.0.0.1', port })),
    }],
  });
  endpointUrl = elb.endpointUrl;
  lbUrl = elb.loadBalancers.get('web-lb')!.url;
  // The user's restart command reaches the targets (which live in this process) through this control server.
  control = http.createServer((req, res) => {
    const m = /^\/(restart|crash)\/(\d)$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    const i = Number(m[2]);
    void (async () => {
      await fleet.kill(i);
      if (m[1] === 'crash') await new Promise((r) => setTimeout(r, 800));
      await fleet.start(i);
      res.writeHead(200).end('ok');
    })();
  });
  await listenLoopback(control);
  controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  await allHealthy(elb);
});
afterAll(() => new Promise<void>((r) => control.close(() => r())));

const post = "fetch(process.argv[1], { method: 'POST' }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))";
const drainArgs = (mode: string, i: number, action: string): string[] => [
  'drain', '--target-group', 'web', '--url', lbUrl, '--target', `127.0.0.1:${fleet.ports[i]}`, '--mode', mode, '--rate', '200', '--path', '/render',
  '--before', '1s', '--after', '1s', '--waiter-min-delay', '200ms', '--waiter-max-delay', '400ms', '--waiter-max-wait', '20s', '--poll', '100ms',
  '--endpoint-url', endpointUrl, '--json', '--', 'node', '-e', post, `${controlUrl}/${action}/${i}`,
];

describe('shadowtap drain (CLI): the verdict is the exit code', () => {
  it('graceful cycle with a real restart command → 0 failed requests, exit 0', async () => {
    const r = await shadowtap(drainArgs('graceful', 2, 'restart'), awsEnv(), 60_000);
    // Progress on stderr as the cycle goes (a real one takes minutes).
    expect(r.stderr).toMatch(/^drain \+[\d.]+s deregister 127\.0\.0\.1:\d+$/m);
    expect(r.stderr).toMatch(/^drain \+[\d.]+s 127\.0\.0\.1:\d+ draining \(Target\.DeregistrationInProgress\)$/m);
    expect(r.stderr).not.toContain('shadowtap:');
    const out = JSON.parse(r.stdout) as { passed: boolean; requests: number; failures: { count: number }; timeline: { name: string; detail?: string }[] };
    expect(out.failures.count).toBe(0);
    expect(out.requests).toBeGreaterThan(500);
    expect(out.timeline.find((e) => e.name === 'command')!.detail).toMatch(/^node -e /);
    expect(out.passed).toBe(true);
    expect(r.code).toBe(0);
  });

  it('abrupt crash without deregistration → failures with timestamps, exit 1', async () => {
    const r = await shadowtap(drainArgs('abrupt', 0, 'crash'), awsEnv(), 60_000);
    const out = JSON.parse(r.stdout) as { passed: boolean; failures: { count: number; firstAtMs: number; first: { at: string; status?: number; error?: string }[] } };
    expect(out.passed).toBe(false);
    expect(out.failures.count).toBeGreaterThan(0);
    expect(out.failures.first[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(out.failures.firstAtMs).toBeGreaterThan(900);
    expect(r.code).toBe(1);
  });

  it('a target that is not registered → exit 2 naming it, no stack trace', async () => {
    const r = await shadowtap(['drain', '--target-group', 'web', '--url', lbUrl, '--target', '10.9.9.9:1', '--before', '0s', '--after', '0s', '--endpoint-url', endpointUrl], awsEnv());
    expect(r.stderr).toMatch(/drain: target 10\.9\.9\.9:1 is not registered in target group "web"/);
    expect(expectNoStack(r.stderr)).toBe(true);
    expect(r.code).toBe(2);
  });
});
