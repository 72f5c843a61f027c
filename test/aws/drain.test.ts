import { describe, expect, it } from 'vitest';
import { drainUnderLoad } from '../../src/aws/drain-load.js';
import { drainDuringPhase } from '../../src/aws/scenario-steps.js';
import { drainStepSchema } from '../../src/aws/step-schemas.js';
import { runLoad } from '../../src/replay/engine.js';
import { rateSchedule } from '../../src/replay/schedule/rate.js';
import type { RequestResult } from '../../src/replay/types.js';
import { allHealthy, CREDS, localElb, sampleFleet } from '../helpers/aws-local.js';

const FAST = { healthCheckIntervalMs: 200, healthCheckTimeoutMs: 2000, healthyThreshold: 2, unhealthyThreshold: 2, deregistrationDelayMs: 1000 };
const WAITER = { minDelayMs: 200, maxDelayMs: 400, maxWaitMs: 20_000 };

async function setup() {
  const fleet = await sampleFleet(3);
  const elb = await localElb({
    targetGroups: [{ name: 'web', port: 80, loadBalancer: 'web-lb', ...FAST, targets: fleet.ports.map((port, i) => ({ id: '127.0.0.1', port, az: `us-east-1${'abc'[i]}` })) }],
  });
  const aws = { endpointUrl: elb.endpointUrl, region: 'us-east-1', credentials: CREDS };
  // Every target healthy before load starts.
  await allHealthy(elb);
  return { fleet, elb, aws, lb: elb.loadBalancers.get('web-lb')! };
}

describe('drain under 200 req/s through the local load balancer', () => {
  it('graceful cycle (deregister, wait, restart, health, register, in service) loses no request', async () => {
    const { fleet, aws, lb } = await setup();
    const target = `127.0.0.1:${fleet.ports[1]}`;
    const r = await drainUnderLoad({
      url: lb.url, rate: 200, path: '/render', beforeMs: 1000, afterMs: 1000, targetGroup: 'web', target, waiter: WAITER, pollMs: 100, aws,
    }, {
      action: async () => {
        await fleet.kill(1);
        await fleet.start(1);
      },
    });
    expect(r.cycle.error).toBeUndefined();
    expect(r.failures.count).toBe(0);
    expect(r.passed).toBe(true);
    expect(r.requests).toBeGreaterThan(200 * 3);
    const steps = r.timeline.filter((e) => e.kind === 'step').map((e) => e.name);
    expect(steps).toEqual(['deregister', 'deregistered', 'command', 'command-done', 'health-ok', 'register', 'in-service']);
    // ELB's view of the cycled target, in order: healthy → draining → unused → initial → healthy. The
    // states are polled every 100 ms, and draining (1 s) or initial (2 checks × 200 ms) can pass between
    // two polls on a loaded machine: what was seen comes in this order, from healthy back to healthy.
    const states = r.timeline.filter((e) => e.kind === 'state' && e.target === target).map((e) => e.name);
    const cycle = ['healthy', 'draining', 'unused', 'initial', 'healthy'];
    const order = states.map((name, i) => cycle.indexOf(name, i === states.length - 1 ? cycle.length - 1 : 0));
    expect(order, JSON.stringify(states)).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size, JSON.stringify(states)).toBe(order.length);
    expect([states[0], states.at(-1)]).toEqual(['healthy', 'healthy']);
    expect(states.filter((s) => s !== 'healthy').length, JSON.stringify(states)).toBeGreaterThan(0);
    // Traffic went to all three before and after.
    expect(lb.requestsByTarget.size).toBe(3);
    expect(r.load.targets[0]!.intervals.length).toBeGreaterThan(3);
  });

  it('abrupt kill during a scenario phase (drainDuringPhase) → failures counted with timestamps, threshold fails', async () => {
    const { fleet, elb, lb } = await setup();
    const target = `127.0.0.1:${fleet.ports[0]}`;
    // What the scenario runner passes: its own open-model phase, with a result listener added.
    // The test also notes when each failure came back (ms on the load's clock): a request sent
    // before the kill can fail after it, so order is judged by when failures arrive.
    const failedAtMs: number[] = [];
    const phase = (onResult: (r: RequestResult) => void) => runLoad({
      schedule: rateSchedule({ rate: 200, durationMs: 4000, make: (i) => ({ id: String(i), method: 'GET', target: '/render', headers: [] }) }),
      targets: [{ url: lb.url, connections: 32 }],
      onResult: (r) => {
        if (r.error !== undefined || (r.status ?? 0) >= 500) failedAtMs.push((r.sentUs + r.rawLatencyUs) / 1000);
        onResult(r);
      },
    });
    const step = drainStepSchema.parse({
      targetGroup: 'web', target, mode: 'abrupt', at: '1s', poll: '100ms', waiterMinDelay: '200ms', waiterMaxDelay: '400ms', waiterMaxWait: '20s',
      endpointUrl: elb.endpointUrl, region: 'us-east-1',
    });
    const r = await drainDuringPhase(step, { configuration: 'alb', phase: 'steady' }, phase, {
      aws: { credentials: CREDS },
      action: async () => {
        await fleet.kill(0);
        await new Promise((res) => setTimeout(res, 800));
        await fleet.start(0);
      },
    });
    expect(r.invalid).toBeUndefined();
    expect(r.measured.targets[0]!.requests).toBeGreaterThan(700);
    expect(r.failures.count).toBeGreaterThan(0);
    expect(r.threshold).toMatchObject({ metric: 'drain.failedRequests', configuration: 'alb', phase: 'steady', op: '==', limit: 0, actual: r.failures.count, pass: false });
    expect(r.threshold.message).toMatch(/request\(s\) failed through the load balancer during the abrupt cycle of 127\.0\.0\.1:\d+ \(first at \d+ ms, last at \d+ ms\)/);
    const kill = r.timeline.find((e) => e.label === 'command')!;
    // Failures come back once the target is gone (the marker's clock is learnt from the first
    // response: 100 ms of slack), and stop being sent once ELB marked it unhealthy (2 checks ×
    // 200 ms; the marker is polled, and the machine may be loaded: 1 s of slack, order not speed).
    const why = JSON.stringify({ failedAtMs: failedAtMs.slice(0, 5), failures: r.failures, timeline: r.timeline });
    expect(Math.min(...failedAtMs), why).toBeGreaterThanOrEqual(kill.atMs - 100);
    const unhealthy = r.timeline.find((e) => e.state === 'unhealthy' && e.label === 'target')!;
    expect(unhealthy.atMs).toBeGreaterThan(kill.atMs);
    expect(r.failures.atMs.at(-1)!, why).toBeLessThanOrEqual(unhealthy.atMs + 1000);
  });
});
