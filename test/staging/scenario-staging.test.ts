import { afterAll, describe, expect, it } from 'vitest';
import { parseScenarios } from '../../src/scenarios/load.js';
import { Progress } from '../../src/scenarios/progress.js';
import { runScenarios } from '../../src/scenarios/runner.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import { hasher, setProcessKey } from '../../src/stages/redact/key.js';
import { recorded, startServer, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-staging-scenario-');
const KEY = '5d1e8a3f9b7c2046e8d1f3a9c7b5e201';
const hash = hasher(Buffer.from(KEY, 'utf8'));

describe('scenarios.yaml: a configuration\'s staging', async () => {
  const server = await startServer((req, res) => {
    res.statusCode = req.headers.authorization === 'Bearer stg-scenario-token-8h' ? 200 : 401;
    res.end('{}');
  });
  afterAll(() => server.close());

  it('maps the recorded credential of a replay phase to the staging one from the environment', async () => {
    // Written through the redaction stage, as a recording is: with this key, the token becomes hash(token).
    const auth = [{ name: 'Authorization', value: 'Bearer prod-scenario-token-3k' }];
    setProcessKey(KEY);
    await writeCapture(`${dir}/cap.jsonl`, Array.from({ length: 6 }, (_, i) => recorded(i, i * 10, { target: `/api/${i}`, headers: auth })));
    setProcessKey(undefined);
    process.env.STG_SCENARIO_TOKEN = 'stg-scenario-token-8h';
    const yaml = `configurations:
  stg:
    baseUrl: "${server.url}"
    staging:
      credentials: { map: { "${hash('prod-scenario-token-3k')}": env:STG_SCENARIO_TOKEN } }
scenarios:
  - name: mapped
    smoke: false
    load: [{ replay: cap.jsonl }]
    validity: { maxLagP99: 1s, maxEventLoopDelayP99: 1s }
`;
    const m = await runScenarios(parseScenarios(YamlSource.parse(`${dir}/s.yaml`, yaml), {}), { progress: new Progress(process.stderr, true) });
    delete process.env.STG_SCENARIO_TOKEN;
    const phase = m.scenarios[0]!.configurations[0]!.phases[0]!;
    expect(phase.stats.statuses).toEqual({ '200': 6 });
    expect(server.received.filter((r) => r.url.startsWith('/api/')).map((r) => r.rawHeaders[r.rawHeaders.findIndex((h) => h.toLowerCase() === 'authorization') + 1])).toEqual(Array(6).fill('Bearer stg-scenario-token-8h'));
  });

  it('a bad staging field names the file, line and field (exit 2)', () => {
    const yaml = `configurations:\n  stg:\n    baseUrl: "${server.url}"\n    staging: { writes: maybe }\nscenarios: [{ name: x, load: [{ rate: 1, duration: 1s }] }]\n`;
    expect(() => parseScenarios(YamlSource.parse(`${dir}/bad.yaml`, yaml), {})).toThrow(/bad\.yaml:4.*staging\.writes/);
  });
});
