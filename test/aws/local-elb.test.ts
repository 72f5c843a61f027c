import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DeregisterTargetsCommand, DescribeTargetHealthCommand, RegisterTargetsCommand, waitUntilTargetDeregistered,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbClient } from '../../src/aws/client.js';
import { requireHealthy } from '../../src/aws/health-gate.js';
import { resolveTargetUrls } from '../../src/aws/resolve.js';
import type { LocalElb } from '../../src/aws/local/index.js';
import { InvalidRunError } from '../../src/errors.js';
import { CREDS, localElb, sampleFleet } from '../helpers/aws-local.js';
import { listenLoopback } from '../helpers/listen.js';

/** A server whose /health answers 503 and every other path names the server. */
async function server(name: string, healthStatus: number): Promise<{ port: number; close(): Promise<void> }> {
  const s = http.createServer((req, res) => res.writeHead(req.url === '/health' ? healthStatus : 200).end(name));
  await listenLoopback(s);
  return { port: (s.address() as AddressInfo).port, close: () => new Promise((r) => (s.closeAllConnections(), s.close(() => r()))) };
}

async function closedPort(): Promise<number> {
  const s = await server('gone', 200);
  await s.close();
  return s.port;
}

let elb: LocalElb;
let aws: { endpointUrl: string; region: string; credentials: typeof CREDS };
let ports: { good: number[]; sick: number; gone: number };
const closers: (() => Promise<void>)[] = [];
// Checks come fast; their timeout is generous: a loaded machine answering a 503 late is still a 503, not a timeout.
const FAST = { healthCheckIntervalMs: 100, healthCheckTimeoutMs: 2000, healthyThreshold: 2, unhealthyThreshold: 2, deregistrationDelayMs: 500 };

beforeAll(async () => {
  const fleet = await sampleFleet(2);
  const sick = await server('sick', 503);
  closers.push(sick.close);
  ports = { good: fleet.ports, sick: sick.port, gone: await closedPort() };
  elb = await localElb({
    instances: { 'i-0aaaaaaaaaaaaaaa1': '127.0.0.1', 'i-0aaaaaaaaaaaaaaa2': '127.0.0.1' },
    targetGroups: [
      { name: 'live', loadBalancer: 'live-lb', ...FAST },
      { name: 'by-instance', targetType: 'instance', ...FAST, targets: [{ id: 'i-0aaaaaaaaaaaaaaa1', port: fleet.ports[0] }, { id: 'i-0aaaaaaaaaaaaaaa2', port: ports.gone }] },
      { name: 'empty-lb', loadBalancer: 'empty-lb', ...FAST },
    ],
  });
  aws = { endpointUrl: elb.endpointUrl, region: 'us-east-1', credentials: CREDS };
});
afterAll(async () => {
  for (const c of closers) await c();
});

const arnOf = (name: string): string => elb.state.groups.find((g) => g.cfg.name === name)!.arn;

describe('local ELBv2 endpoint: target states from real health checks', () => {
  it('register → initial → healthy / unhealthy with ELB reasons; deregister → draining → unused', async () => {
    const client = elbClient(aws);
    const Targets = [...ports.good.map((p) => ({ Id: '127.0.0.1', Port: p })), { Id: '127.0.0.1', Port: ports.sick }, { Id: '127.0.0.1', Port: ports.gone }];
    await client.send(new RegisterTargetsCommand({ TargetGroupArn: arnOf('live'), Targets }));
    const first = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arnOf('live') }));
    expect(first.TargetHealthDescriptions!.map((d) => d.TargetHealth!.State)).toEqual(['initial', 'initial', 'initial', 'initial']);
    expect(first.TargetHealthDescriptions![0]!.TargetHealth!.Reason).toBe('Elb.RegistrationInProgress');
    const states = async () => (await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arnOf('live') }))).TargetHealthDescriptions!
      .map((d) => [d.Target!.Port, d.TargetHealth!.State, d.TargetHealth!.Reason ?? null]);
    await expect.poll(states, { timeout: 15_000, interval: 100 }).toEqual([
      [ports.good[0], 'healthy', null], [ports.good[1], 'healthy', null],
      [ports.sick, 'unhealthy', 'Target.ResponseCodeMismatch'], [ports.gone, 'unhealthy', 'Target.FailedHealthChecks'],
    ]);

    // The load balancer sends only to the healthy two, in turn.
    const lb = elb.loadBalancers.get('live-lb')!;
    for (let i = 0; i < 10; i++) expect((await fetch(`${lb.url}/render`)).status).toBe(200);
    expect([...lb.requestsByTarget.keys()].sort()).toEqual(ports.good.map((p) => `127.0.0.1:${p}`).sort());
    expect([...lb.requestsByTarget.values()]).toEqual([5, 5]);

    const gone = { TargetGroupArn: arnOf('live'), Targets: [{ Id: '127.0.0.1', Port: ports.gone }] };
    // The deregistration delay (500 ms) runs from the deregister call: time it from there, not from
    // after a describe call that a loaded machine may take hundreds of ms to answer.
    const t0 = Date.now();
    await client.send(new DeregisterTargetsCommand(gone));
    const draining = await client.send(new DescribeTargetHealthCommand(gone));
    expect(draining.TargetHealthDescriptions![0]!.TargetHealth).toMatchObject({ State: 'draining', Reason: 'Target.DeregistrationInProgress' });
    await waitUntilTargetDeregistered({ client, minDelay: 0.1, maxDelay: 0.2, maxWaitTime: 10 }, gone);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    const after = await client.send(new DescribeTargetHealthCommand(gone));
    expect(after.TargetHealthDescriptions![0]!.TargetHealth).toMatchObject({ State: 'unused', Reason: 'Target.NotRegistered' });
    await expect(client.send(new DeregisterTargetsCommand(gone))).rejects.toMatchObject({ name: 'InvalidTargetException' });
    await expect(client.send(new RegisterTargetsCommand({ TargetGroupArn: arnOf('live'), Targets: [{ Id: 'web-1', Port: 80 }] })))
      .rejects.toMatchObject({ name: 'InvalidTargetException', message: 'The following targets are not valid: web-1 is not an IP address' });
    await expect(client.send(new RegisterTargetsCommand({ TargetGroupArn: arnOf('by-instance'), Targets: [{ Id: 'i-0bbbbbbbbbbbbbbb9' }] })))
      .rejects.toMatchObject({ name: 'InvalidTargetException' });
    await expect(client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arnOf('live').replace('/live/', '/gone/') })))
      .rejects.toMatchObject({ name: 'TargetGroupNotFoundException', message: 'One or more target groups not found' });
    client.destroy();
  });

  it('a load balancer with no registered target answers 503', async () => {
    expect((await fetch(`${elb.loadBalancers.get('empty-lb')!.url}/`)).status).toBe(503);
  });

  it('requireHealthy passes with enough healthy targets and refuses otherwise, naming the unhealthy ones', async () => {
    await expect.poll(() => elb.state.groups[0]!.routable().length, { timeout: 15_000 }).toBe(2);
    const ok = await requireHealthy({ targetGroup: 'live', minHealthy: 2, aws });
    expect(ok.healthy.map((r) => r.port).sort()).toEqual([...ports.good].sort());
    const err = await requireHealthy({ targetGroup: 'live', minHealthy: 3, aws }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRunError);
    expect((err as Error).message).toBe(
      `target group "live" has 2 healthy target(s), needs at least 3; not healthy: 127.0.0.1:${ports.sick} unhealthy ` +
      `(Target.ResponseCodeMismatch: Health checks failed with these codes: [503])`);
  });

  it('resolves elbv2:// specs to healthy targets: IP targets directly, instance targets via EC2 DescribeInstances', async () => {
    const ep = encodeURIComponent(elb.endpointUrl);
    const ipUrls = await resolveTargetUrls(`elbv2://live?path=/api/&endpoint=${ep}`, { credentials: CREDS, region: 'us-east-1' });
    expect(ipUrls.sort()).toEqual(ports.good.map((p) => `http://127.0.0.1:${p}/api`).sort());
    await expect.poll(() => elb.state.groups[1]!.routable().length, { timeout: 15_000 }).toBe(1);
    const before = elb.state.calls.get('DescribeInstances') ?? 0;
    const byArn = await resolveTargetUrls(`elbv2://${arnOf('by-instance')}?endpoint=${ep}`, { credentials: CREDS, region: 'us-east-1' });
    expect(byArn).toEqual([`http://127.0.0.1:${ports.good[0]}`]);
    expect(elb.state.calls.get('DescribeInstances')).toBe(before + 1);
    // The resolved URL really serves.
    expect((await fetch(`${byArn[0]}/health`)).status).toBe(200);
    const none = await resolveTargetUrls(`elbv2://empty-lb?endpoint=${ep}`, { credentials: CREDS, region: 'us-east-1' }).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(InvalidRunError);
    expect((none as Error).message).toBe('target group "empty-lb" has no healthy target (none registered)');
  });
});
