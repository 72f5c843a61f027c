import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportModel } from '../../src/report/model.js';
import { startSampleService, type SampleService } from '../../src/service/app.js';
import { CLI } from '../helpers/capture-tools.js';
import { runCli } from '../helpers/replay-fixtures.js';
import { writeScenarios } from '../helpers/scenarios-files.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-maint-');
let healthy: SampleService;
let dbDown: SampleService;

beforeAll(async () => {
  healthy = await startSampleService({ buildVersion: 'ok' });
  dbDown = await startSampleService({ databaseConnected: false });
});
afterAll(() => Promise.all([healthy.close(), dbDown.close()]));

const smoke = `    smoke:
      health: { expect: { DatabaseConnectivity: true, MaintenanceMode: false } }
`;

describe('maintenance mode', () => {
  it('reports a configuration in maintenance as such (not healthy) and exits 1 when availability is required', async () => {
    const file = writeScenarios(dir, 'maint.yaml', `configurations:
  healthy:
    baseUrl: \${HEALTHY_URL}
  maint:
    start:
      command: [node, ${JSON.stringify(CLI)}, sample-service, --port, "0", --maintenance]
  dbdown:
    baseUrl: \${DBDOWN_URL}
scenarios:
  - name: availability
${smoke}    thresholds: { smoke: available }
  - name: membership
    configurations: [maint]
${smoke}    thresholds:
      configurations: { maint: { smoke: reachable } }
  - name: load-on-maintenance
    configurations: [maint]
${smoke}    load: [{ rate: 10, duration: 1s }]
    thresholds: { smoke: reachable, p99: 1s }
  - name: compare-with-maintenance
    compare: [healthy, maint]
    repeat: 3
${smoke}    load: [{ rate: 10, duration: 1s }]
    thresholds: { smoke: reachable }
`);
    const r = await runCli(['run', file, '--quiet', '--json', '--junit', `${dir}/maint.xml`], { HEALTHY_URL: healthy.url, DBDOWN_URL: dbDown.url });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const m = JSON.parse(r.stdout) as ReportModel;
    expect(m.verdict).toBe('fail');
    const [availability, membership, load, compare] = m.scenarios;
    const states = Object.fromEntries(availability!.configurations.map((c) => [c.name, c.smoke!.state]));
    expect(states).toEqual({ healthy: 'healthy', maint: 'in-maintenance', dbdown: 'unhealthy' });
    const maint = availability!.configurations.find((c) => c.name === 'maint')!.smoke!;
    expect(maint.health).toMatchObject({ status: 200, pass: false });
    expect(maint.health.expectations.find((e) => e.field === 'MaintenanceMode')).toMatchObject({ actual: true, expected: false, pass: false });
    expect(maint.test).toMatchObject({ status: 503, pass: false });
    expect(maint.test!.tests.filter((t) => !t.success).map((t) => t.name)).toEqual(['maintenance']);
    expect(availability!.thresholds.map((t) => [t.configuration, t.pass])).toEqual([['healthy', true], ['maint', false], ['dbdown', false]]);
    expect(availability!.verdict).toBe('fail');
    // Reachable is all this scenario asks of it: maintenance passes that.
    expect(membership!.verdict).toBe('pass');
    // Load is not run against a configuration in maintenance; its latency limit is "not measured".
    expect(load!.configurations[0]!.phases).toEqual([]);
    expect(load!.thresholds.find((t) => t.metric === 'p99')).toMatchObject({ pass: false, actual: null, message: 'load not run: maint is in-maintenance' });
    // A comparison with a side in maintenance cannot run: that fails (exit 1), it is not an invalid run.
    expect(compare!.verdict).toBe('fail');
    expect(compare!.comparisons).toEqual([]);
    expect(compare!.thresholds.find((t) => t.metric === 'comparison')).toMatchObject({ pass: false, message: 'comparison not run: load not run: maint is in-maintenance' });
    expect(m.reasons.join('\n')).toContain('availability: maint smoke in-maintenance (limit = available)');
    const junit = readFileSync(`${dir}/maint.xml`, 'utf8');
    expect(junit).toMatch(/<testsuite name="availability" tests="9" failures="6"/);
    expect(junit).toMatch(/name="maint: smoke == available">\s*<failure/);
    expect(junit).toMatch(/name="healthy: smoke == available"\/>/);
    // The service it started is stopped at the end.
    const url = availability!.configurations.find((c) => c.name === 'maint')!.baseUrl;
    await expect(request(`${url}/health`)).rejects.toThrow();
  });
});
