import http from 'node:http';
import { RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elbClient } from '../../src/aws/client.js';
import { drainUnderLoad } from '../../src/aws/drain-load.js';
import { drainText } from '../../src/aws/drain-text.js';
import { runDrainCycle } from '../../src/aws/drain.js';
import type { LocalElb } from '../../src/aws/local/index.js';
import { InvalidRunError } from '../../src/errors.js';
import { expectNoStack, shadowtap } from '../helpers/aws-cli.js';
import { allHealthy, awsEnv, CREDS, localElb, statesOf, waitFor } from '../helpers/aws-local.js';
import { listenLoopback } from '../helpers/listen.js';

const FAST = { healthCheckIntervalMs: 100, healthCheckTimeoutMs: 2000, healthyThreshold: 2, unhealthyThreshold: 2, deregistrationDelayMs: 300 };
const WAITER = { minDelayMs: 100, maxDelayMs: 200, maxWaitMs: 20_000 };

let elb: LocalElb;
let aws: { endpointUrl: string; region: string; credentials: typeof CREDS };
const ports: number[] = [];
const servers: http.Server[] = [];
let sick: number;

beforeAll(async () => {
  for (const status of [200, 200, 200, 200, 503]) {
    const s = http.createServer((req, res) => res.writeHead(req.url === '/health' ? status : 200).end('ok'));
    servers.push(s);
    ports.push(await listenLoopback(s));
  }
  sick = ports.pop()!;
  const t = (i: number, az: string) => ({ id: '127.0.0.1', port: ports[i]!, az });
  elb = await localElb({
    targetGroups: [
      { name: 'web', loadBalancer: 'web-lb', ...FAST, targets: [t(0, 'us-east-1a'), t(1, 'us-east-1b'), t(2, 'us-east-1c')] },
      { name: 'cli', loadBalancer: 'cli-lb', ...FAST, targets: [t(3, 'us-east-1c')] },
    ],
  });
  aws = { endpointUrl: elb.endpointUrl, region: 'us-east-1', credentials: CREDS };
  await allHealthy(elb);
});
afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())));
});

const arnOf = (name: string): string => elb.state.groups.find((g) => g.cfg.name === name)!.arn;
const registered = (group: string, port: number): boolean => elb.state.groups.find((g) => g.cfg.name === group)!.targets.has(`127.0.0.1:${port}`);
const registerCommand = (group: string, port: number, az: string): string =>
  `aws elbv2 register-targets --target-group-arn ${arnOf(group)} --targets Id=127.0.0.1,Port=${port},AvailabilityZone=${az} --region us-east-1 --endpoint-url ${elb.endpointUrl}`;

describe('a failed drain cycle says the target is left deregistered, and how to put it back', () => {
  it('restart command exits 7 → error and text name the target, the group and the exact register command; it works', async () => {
    const r = await drainUnderLoad({
      url: elb.loadBalancers.get('web-lb')!.url, rate: 20, beforeMs: 0, afterMs: 0, targetGroup: 'web', target: `127.0.0.1:${ports[0]}`,
      command: ['/bin/sh', '-c', 'exit 7'], pollMs: 100, waiter: WAITER, aws,
    });
    const cmd = registerCommand('web', ports[0]!, 'us-east-1a');
    expect(r.cycle.error).toBeInstanceOf(InvalidRunError);
    expect(r.cycle.error!.message).toContain('drain: command /bin/sh -c exit 7 exited 7');
    expect(r.cycle.error!.message).toContain(`target 127.0.0.1:${ports[0]} is left DEREGISTERED from target group web`);
    expect(r.cycle.error!.message).toContain(`\n  ${cmd}`);
    expect(r.cycle.leftDeregistered).toMatchObject({ targetGroup: 'web', targetGroupArn: arnOf('web'), registerCommand: cmd });
    expect(r.passed).toBe(false);
    expect(drainText(r)).toContain(`    target 127.0.0.1:${ports[0]} is left DEREGISTERED from target group web`);
    expect(drainText(r)).toContain(`\n      ${cmd}\n`);
    await waitFor(() => !registered('web', ports[0]!), 'the deregistration delay to pass');

    // The printed command, sent as the AWS CLI would send it, puts the target back where it was.
    const spec = Object.fromEntries(cmd.split(' ')[6]!.split(',').map((kv) => kv.split('=') as [string, string]));
    const client = elbClient(aws);
    try {
      await client.send(new RegisterTargetsCommand({ TargetGroupArn: cmd.split(' ')[4], Targets: [{ Id: spec.Id, Port: Number(spec.Port), AvailabilityZone: spec.AvailabilityZone }] }));
    } finally {
      client.destroy();
    }
    await allHealthy(elb, 'web');
    expect(statesOf(elb, 'web')).toHaveLength(3);
  });

  it('health never answers 200 → the same note, after the health timeout', async () => {
    const r = await runDrainCycle({
      targetGroup: 'web', target: `127.0.0.1:${ports[1]}`, healthUrl: `http://127.0.0.1:${sick}/health`, healthTimeoutMs: 500, pollMs: 100, waiter: WAITER, aws,
    });
    expect(r.error!.message).toMatch(/did not answer 200 within 500 ms \(last: HTTP 503\)\ntarget 127\.0\.0\.1:\d+ is left DEREGISTERED from target group web/);
    expect(r.error!.message).toContain(registerCommand('web', ports[1]!, 'us-east-1b'));
    // The timeline keeps the failure itself; the note is the error's (said once, at the end).
    expect(r.timeline.find((e) => e.name === 'error')!.detail).toMatch(/\(last: HTTP 503\)$/);
  });

  it('abrupt mode never deregisters: a failed command carries no note', async () => {
    const r = await runDrainCycle({ targetGroup: 'web', target: `127.0.0.1:${ports[2]}`, mode: 'abrupt', command: ['/bin/sh', '-c', 'exit 3'], pollMs: 100, waiter: WAITER, aws });
    expect(r.error!.message).toMatch(/exited 3$/);
    expect(r.leftDeregistered).toBeUndefined();
    expect(registered('web', ports[2]!)).toBe(true);
  });

  // Spawns dist/: passes once dist/ is rebuilt with this change.
  it('CLI: exit 3, stderr and stdout name the target left deregistered and the register command', async () => {
    const r = await shadowtap(['drain', '--target-group', 'cli', '--url', elb.loadBalancers.get('cli-lb')!.url, '--rate', '20', '--before', '0s', '--after', '0s',
      '--waiter-min-delay', '100ms', '--waiter-max-delay', '200ms', '--poll', '100ms', '--quiet', '--endpoint-url', elb.endpointUrl, '--', '/bin/sh', '-c', 'exit 7'], awsEnv(), 60_000);
    const cmd = registerCommand('cli', ports[3]!, 'us-east-1c');
    expect(expectNoStack(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toContain(`target 127.0.0.1:${ports[3]} is left DEREGISTERED from target group cli`);
    expect(r.stderr).toContain(cmd);
    expect(r.stdout).toContain(cmd);
    expect(r.code).toBe(3);
  });
});
