import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalElb } from '../../src/aws/local/index.js';
import { awsEnv, localElb } from '../helpers/aws-local.js';
import { expectNoStack, shadowtap } from '../helpers/aws-cli.js';
import { listenLoopback } from '../helpers/listen.js';

type Health = { state: 'healthy' | 'unhealthy' | 'initial' | 'draining' | 'unused'; reason?: string; description?: string };
const h = (state: Health['state'], reason?: string, description?: string): Health => ({ state, ...(reason ? { reason } : {}), ...(description ? { description } : {}) });

// Five groups on one load balancer; the endpoint's default page size is 2, so listing them takes three pages.
const GROUPS = [
  { name: 'web', targets: [
    { id: '10.0.1.10', port: 8080, az: 'us-east-1a', health: h('healthy') },
    { id: '10.0.2.11', port: 8080, az: 'us-east-1b', health: h('unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [503]') },
    { id: '10.0.3.12', port: 8081, az: 'us-east-1c', health: h('draining', 'Target.DeregistrationInProgress', 'Target deregistration is in progress') },
  ] },
  { name: 'api', targets: [{ id: '10.0.1.20', port: 9000, az: 'us-east-1a', health: h('initial', 'Elb.RegistrationInProgress', 'Target registration is in progress') }] },
  { name: 'admin', targets: [] },
  { name: 'jobs', targets: [{ id: '10.0.2.30', port: 7000, az: 'us-east-1b', health: h('unhealthy', 'Target.Timeout', 'Request timed out') }] },
  { name: 'static', targets: [{ id: '10.0.3.40', port: 80, az: 'us-east-1c', health: h('healthy') }] },
];

let elb: LocalElb;
beforeAll(async () => {
  elb = await localElb({
    pageSize: 2,
    credentials: [{ accessKeyId: 'AKIALOCALTEST', secretAccessKey: 'local-secret' }, { accessKeyId: 'AKIAREADONLY', secretAccessKey: 'ro', deny: ['DescribeTargetHealth'] }],
    targetGroups: GROUPS.map((g) => ({ ...g, loadBalancer: 'shop-lb', healthCheckIntervalMs: 60_000 })),
  });
});

const rowsOf = (names: string[]) => GROUPS.filter((g) => names.includes(g.name)).flatMap((g) => g.targets.map((t) => ({
  targetGroup: g.name, id: t.id, port: t.port, az: t.az, state: t.health.state,
  ...(t.health.reason ? { reason: t.health.reason } : {}), ...(t.health.description ? { description: t.health.description } : {}),
})));

describe('shadowtap targets against the local ELBv2 endpoint', () => {
  it('lists one group\'s targets and states exactly as configured (--json)', async () => {
    const r = await shadowtap(['targets', '--target-group', 'web', '--endpoint-url', elb.endpointUrl, '--json'], awsEnv());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows.map(({ targetGroupArn: _a, targetType: _t, ...rest }) => rest)).toEqual(rowsOf(['web']));
    expect(rows[0]!.targetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/web\/[0-9a-f]{16}$/);
  });

  it('pages past one page of DescribeTargetGroups for a load balancer\'s groups, by ARN too', async () => {
    const before = elb.state.calls.get('DescribeTargetGroups') ?? 0;
    const r = await shadowtap(['targets', '--load-balancer', 'shop-lb', '--endpoint-url', elb.endpointUrl, '--json'], awsEnv());
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { targetGroup: string; targetGroupArn: string }[];
    expect(rows.map(({ targetGroupArn: _a, targetType: _t, ...rest }: Record<string, unknown>) => rest)).toEqual(rowsOf(GROUPS.map((g) => g.name)));
    expect((elb.state.calls.get('DescribeTargetGroups') ?? 0) - before).toBe(3);
    const byArn = await shadowtap(['targets', '--target-group', rows.at(-1)!.targetGroupArn, '--endpoint-url', elb.endpointUrl], awsEnv());
    expect(byArn.code).toBe(0);
    expect(byArn.stdout.split('\n')[0]).toMatch(/^TARGET_GROUP\s+ID\s+PORT\s+AZ\s+STATE\s+REASON$/);
    expect(byArn.stdout).toMatch(/^static\s+10\.0\.3\.40\s+80\s+us-east-1c\s+healthy\s+-$/m);
  });

  it('prints a table with reasons', async () => {
    const r = await shadowtap(['targets', '--target-group', 'web', '--endpoint-url', elb.endpointUrl, '--page-size', '1'], awsEnv());
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
    expect(r.stdout).toMatch(/^web\s+10\.0\.2\.11\s+8080\s+us-east-1b\s+unhealthy\s+Target\.ResponseCodeMismatch$/m);
  });

  const failures: [string, string[], NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv), RegExp][] = [
    ['unknown target group', ['--target-group', 'nope'], () => awsEnv(), /target group "nope" not found/],
    ['unknown load balancer', ['--load-balancer', 'nolb'], () => awsEnv(), /load balancer "nolb" not found/],
    ['unknown access key', ['--target-group', 'web'], () => awsEnv({ AWS_ACCESS_KEY_ID: 'AKIAWRONG' }), /AWS rejected the credentials \(InvalidClientTokenId\)/],
    ['wrong secret key', ['--target-group', 'web'], () => awsEnv({ AWS_SECRET_ACCESS_KEY: 'wrong' }), /AWS rejected the credentials \(SignatureDoesNotMatch\)/],
    ['access denied', ['--target-group', 'web'], () => awsEnv({ AWS_ACCESS_KEY_ID: 'AKIAREADONLY', AWS_SECRET_ACCESS_KEY: 'ro' }), /access denied \(AccessDenied\).*elasticloadbalancing:DescribeTargetHealth/],
    ['no credentials at all', ['--target-group', 'web'], () => awsEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: undefined }), /no AWS credentials found/],
  ];
  // Each failure is its own CLI process (~1.3 s of CPU to load the SDK) and reads what no other test
  // counts: they run a few at once, after the tests above that count calls.
  describe.concurrent('failures', () => {
    for (const [name, args, env, message] of failures) {
      it(`${name} → exit 2, clear message, no stack trace`, async () => {
        const r = await shadowtap(['targets', ...args, '--endpoint-url', elb.endpointUrl], typeof env === 'function' ? env() : env, 60_000);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(message);
        expect(expectNoStack(r.stderr)).toBe(true);
        expect(r.code).toBe(2);
      });
    }
  });

  it('endpoint down → exit 2 naming the endpoint problem', async () => {
    const { createServer } = await import('node:net');
    const srv = createServer();
    await listenLoopback(srv);
    const port = (srv.address() as { port: number }).port;
    await new Promise((r) => srv.close(r));
    const r = await shadowtap(['targets', '--target-group', 'web', '--endpoint-url', `http://127.0.0.1:${port}`], awsEnv());
    expect(r.stderr).toMatch(/cannot reach the AWS endpoint \(.*ECONNREFUSED.*\)/);
    expect(expectNoStack(r.stderr)).toBe(true);
    expect(r.code).toBe(2);
  });
});
