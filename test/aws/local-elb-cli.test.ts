import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { awsEnv } from '../helpers/aws-local.js';
import { expectNoStack, shadowtap } from '../helpers/aws-cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('shadowtap local-elb', () => {
  it('serves the example configuration: targets lists it, SIGTERM stops it', async () => {
    const child = spawn('node', ['dist/cli/main.js', 'local-elb', '--config', 'examples/aws/local-elb.yaml'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const info = JSON.parse(line) as { endpointUrl: string; loadBalancers: Record<string, string> };
      expect(info.endpointUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Object.keys(info.loadBalancers)).toEqual(['web-lb']);
      const r = await shadowtap(['targets', '--target-group', 'web', '--endpoint-url', info.endpointUrl, '--json'], awsEnv());
      expect(r.code).toBe(0);
      const rows = JSON.parse(r.stdout) as { id: string; port: number; az: string }[];
      expect(rows.map((x) => `${x.id}:${x.port} ${x.az}`)).toEqual(['127.0.0.1:8081 us-east-1a', '127.0.0.1:8082 us-east-1b', '127.0.0.1:8083 us-east-1c']);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a bad configuration → exit 2 naming file:line:col and the field', async () => {
    const file = join(tempDir(), 'elb.yaml');
    writeFileSync(file, 'targetGroups:\n  - name: web\n    healthCheckPath: health\n');
    const r = await shadowtap(['local-elb', '--config', file], process.env);
    expect(r.stderr).toContain(`${file}:3:22: targetGroups[0].healthCheckPath:`);
    expect(expectNoStack(r.stderr)).toBe(true);
    expect(r.code).toBe(2);
  });
});
