import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { elbClient } from '../../src/aws/client.js';
import { describeTargets, findTargetGroups } from '../../src/aws/discover.js';
import { loadLocalElbConfig } from '../../src/aws/local/config-file.js';
import { startLocalElb } from '../../src/aws/local/index.js';
import { InputError } from '../../src/errors.js';
import { expectNoStack, shadowtap } from '../helpers/aws-cli.js';
import { CREDS, localElb, waitFor } from '../helpers/aws-local.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-local-elb-');
let n = 0;
const file = (text: string): string => {
  const f = join(dir, `elb-${n++}.yaml`);
  writeFileSync(f, text);
  return f;
};

const DUPLICATE_GROUPS = [
  'targetGroups:',
  '  - name: web',
  '    loadBalancer: lbA',
  '    targets: [{ id: 127.0.0.1, port: 8081 }]',
  '  - name: web',
  '    loadBalancer: lbB',
  '    targets: [{ id: 127.0.0.1, port: 8082 }]',
  '',
].join('\n');

describe('local-elb configuration errors name file:line:col and the field', () => {
  it('two target groups with one name → the second is refused, naming targetGroups[1].name', async () => {
    const f = file(DUPLICATE_GROUPS);
    await expect(loadLocalElbConfig(f)).rejects.toThrow(new InputError(`${f}:5:11: targetGroups[1].name: duplicate target group name "web" (also targetGroups[0].name)`));
  });

  it('one target twice in a group (the port defaulting to the group\'s) → refused at the second', async () => {
    const f = file('targetGroups:\n  - name: web\n    port: 8080\n    targets:\n      - { id: 127.0.0.1 }\n      - { id: 127.0.0.1, port: 8080 }\n');
    await expect(loadLocalElbConfig(f)).rejects.toThrow(new InputError(`${f}:6:9: targetGroups[0].targets[1]: duplicate target 127.0.0.1:8080 (also targets[0])`));
  });

  it('an unknown field points at its key; a bad value at the value', async () => {
    const unknown = file('targetGroups:\n  - name: web\n    healthCheckIntervalMS: 500\n');
    await expect(loadLocalElbConfig(unknown)).rejects.toThrow(new InputError(`${unknown}:3:5: targetGroups[0].healthCheckIntervalMS: unknown field`));
    const bad = file('targetGroups:\n  - name: web\n    healthCheckPath: health\n');
    await expect(loadLocalElbConfig(bad)).rejects.toThrow(new RegExp(`^${bad}:3:22: targetGroups\\[0\\]\\.healthCheckPath: `));
  });

  it('--lb-port for a load balancer the configuration does not have → refused naming it', async () => {
    const start = startLocalElb({ targetGroups: [{ name: 'web', loadBalancer: 'web-lb' }] }, { lbPorts: { other: 0 } });
    await expect(start).rejects.toThrow(new InputError('--lb-port other: no load balancer "other" in the configuration (known: web-lb)'));
  });
});

describe('RegisterTargets without an AZ keeps the one the configuration gives', () => {
  // ELB finds an IP's AZ from its subnet: an address the config places gets that AZ on any port.
  it('a configured address gets its AZ back, another address the group\'s default, a group without one none', async () => {
    const elb = await localElb({
      targetGroups: [
        { name: 'zoned', az: 'us-east-1c', deregistrationDelayMs: 0, healthCheckIntervalMs: 60_000, targets: [{ id: '127.0.0.1', port: 8081, az: 'us-east-1a' }] },
        { name: 'plain', healthCheckIntervalMs: 60_000 },
      ],
    });
    const aws = { endpointUrl: elb.endpointUrl, region: 'us-east-1', credentials: CREDS };
    const zoned = elb.state.groups.find((g) => g.cfg.name === 'zoned')!;
    zoned.deregister([{ id: '127.0.0.1', port: 8081 }]);
    await waitFor(() => zoned.targets.size === 0, 'the deregistered target to go');
    const client = elbClient(aws);
    try {
      const register = (group: string, id: string, port: number) => client.send(new RegisterTargetsCommand({ TargetGroupArn: elb.state.groups.find((g) => g.cfg.name === group)!.arn, Targets: [{ Id: id, Port: port }] }));
      await register('zoned', '127.0.0.1', 8081);
      await register('zoned', '127.0.0.1', 8083);
      await register('zoned', '127.0.0.2', 8082);
      await register('plain', '127.0.0.1', 8081);
      const rows = [];
      for (const tg of await findTargetGroups(client, { targetGroup: 'zoned' })) rows.push(...(await describeTargets(client, tg)));
      for (const tg of await findTargetGroups(client, { targetGroup: 'plain' })) rows.push(...(await describeTargets(client, tg)));
      expect(rows.map((r) => `${r.targetGroup} ${r.id}:${r.port} ${r.az ?? '-'}`)).toEqual(['zoned 127.0.0.1:8081 us-east-1a', 'zoned 127.0.0.1:8083 us-east-1a', 'zoned 127.0.0.2:8082 us-east-1c', 'plain 127.0.0.1:8081 -']);
    } finally {
      client.destroy();
    }
  });
});

// Spawn dist/: these pass once dist/ is rebuilt with this change.
describe('shadowtap local-elb refuses (exit 2, no stack)', () => {
  it('duplicate target group names', async () => {
    const f = file(DUPLICATE_GROUPS);
    const r = await shadowtap(['local-elb', '--config', f], process.env);
    expect(r.stderr).toBe(`shadowtap: ${f}:5:11: targetGroups[1].name: duplicate target group name "web" (also targetGroups[0].name)\n`);
    expect(r.code).toBe(2);
  });

  it('--lb-port for an unknown load balancer', async () => {
    const f = file('targetGroups:\n  - { name: web, loadBalancer: web-lb }\n');
    const r = await shadowtap(['local-elb', '--config', f, '--lb-port', 'other=0'], process.env);
    expect(expectNoStack(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toContain('--lb-port other: no load balancer "other" in the configuration (known: web-lb)');
    expect(r.code).toBe(2);
  });
});
