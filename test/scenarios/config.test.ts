import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarios } from '../../src/scenarios/load.js';
import { scenariosSchemaText } from '../../src/scenarios/write-schema.js';
import { runCli } from '../helpers/replay-fixtures.js';
import { freePort } from '../helpers/capture-tools.js';
import { parseError, writeScenarios } from '../helpers/scenarios-files.js';
import { tempDir } from '../helpers/tmp.js';

const BASE = `configurations:
  a:
    baseUrl: http://127.0.0.1:1
scenarios:
  - name: one
    smoke: false
`;

describe('scenarios.yaml validation', () => {
  it('accepts the repo scenarios.yaml and a minimal file', async () => {
    expect(parseError(BASE)).toBe('');
    const spec = await loadScenarios('scenarios.yaml', {});
    expect(spec.scenarios.map((s) => s.name)).toEqual(['smoke', 'capacity', 'failfast-vs-queueing']);
    const ramp = spec.scenarios[1]!.phases[0]!;
    expect(ramp).toMatchObject({ kind: 'ramp', from: 1, to: 120, durationMs: 20_000 });
    expect(spec.scenarios[1]!.knee).toEqual({ p99Ms: 500, errorBudget: 0.01 });
    expect(spec.scenarios[2]!.compare).toMatchObject({ a: 'failfast', b: 'queueing', repeat: 5 });
  });

  it('names line, column and field for an unknown key', () => {
    const msg = parseError(BASE.replace('    smoke: false\n', '    smoke: false\n    treshold: {}\n'));
    expect(msg).toBe('s.yaml:7:5: scenarios[0].treshold: unknown key');
  });

  it('names the field of a wrong type, and explains the expected unit', () => {
    expect(parseError(`${BASE}    load:\n      - rate: fast\n        duration: 2s\n`)).toBe('s.yaml:8:15: scenarios[0].load[0].rate: expected a rate above 0: requests per second, or such as 100/s or 6000/min (got "fast")');
    expect(parseError(`${BASE}    load:\n      - rate: 5\n        duration: 2 seconds\n`)).toMatch(/^s\.yaml:9:19: scenarios\[0\]\.load\[0\]\.duration: expected a duration such as 500ms/);
    expect(parseError(`${BASE}    thresholds:\n      p99: soon\n`)).toMatch(/^s\.yaml:8:12: scenarios\[0\]\.thresholds\.p99: expected a latency/);
  });

  it('names a configuration that does not exist, where it is referenced', () => {
    expect(parseError(`${BASE}    configurations: [a, b]\n`)).toBe('s.yaml:7:25: scenarios[0].configurations[1]: no configuration named "b" (defined: a)');
    expect(parseError(`${BASE}    compare: [a, nope]\n    load: [{ rate: 1, duration: 1s }]\n`)).toMatch(/^s\.yaml:7:18: scenarios\[0\]\.compare\[1\]: no configuration named "nope"/);
  });

  it('reports a missing field, bad phases, invalid YAML and unset environment variables', () => {
    expect(parseError('configurations: { a: { baseUrl: "http://127.0.0.1:1" } }\n')).toBe('s.yaml:1:1: scenarios: missing (expected array)');
    expect(parseError(`${BASE}    load:\n      - rate: 5\n        ramp: { from: 1, to: 2 }\n        duration: 1s\n`)).toBe('s.yaml:8:9: scenarios[0].load[0]: needs exactly one of rate, ramp, connections or replay (found rate, ramp)');
    expect(parseError(`${BASE}    load:\n      - rate: 5\n`)).toMatch(/^s\.yaml:8:9: scenarios\[0\]\.load\[0\]: a rate phase needs a duration/);
    expect(parseError(`${BASE}    repeat: 3\n`)).toBe('s.yaml:7:13: scenarios[0].repeat: only applies with compare: [A, B]');
    expect(parseError('configurations:\n  a: [\n')).toMatch(/^s\.yaml:3:1: invalid YAML/);
    const env = BASE.replace('http://127.0.0.1:1', '${TARGET_URL}');
    expect(parseError(env)).toBe('s.yaml:3:14: configurations.a.baseUrl: environment variable TARGET_URL is not set (write ${TARGET_URL:-default} for a default)');
    expect(parseError(env, { TARGET_URL: 'http://127.0.0.1:9' })).toBe('');
  });

  it('accepts the example in the README', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Scenarios:'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    expect(parseError(example, { STAGING_URL: 'http://127.0.0.1:9' })).toBe('');
  });

  it('keeps schema/scenarios.schema.json in step with the zod schema (npm run schema)', () => {
    expect(readFileSync('schema/scenarios.schema.json', 'utf8')).toBe(scenariosSchemaText());
  });
});

describe('shadowtap run: bad input and unreachable targets', () => {
  const dir = tempDir('shadowtap-scn-');

  it('exits 2 naming line and field for a bad file', async () => {
    const file = writeScenarios(dir, 'bad.yaml', BASE.replace('    smoke: false\n', '    smoke: false\n    thresholds: { p99: 100ms, p98: 1ms }\n'));
    const r = await runCli(['run', file, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:7:31: scenarios[0].thresholds.p98: unknown key`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const gate = await runCli(['run', file, '--quiet', '--max-lag-p99', 'soon']);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toContain('--max-lag-p99 soon: expected a duration');
    const missing = await runCli(['run', `${dir}/nope.yaml`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml: cannot read (ENOENT)');
  });

  it('exits 2 naming the flag for an output it cannot write, before any configuration is reached', async () => {
    const port = await freePort();
    const file = writeScenarios(dir, 'out.yaml', `configurations:\n  down:\n    baseUrl: http://127.0.0.1:${port}\nscenarios:\n  - name: load\n    load: [{ rate: 5, duration: 1s }]\n`);
    // An unreachable target would be exit 3 after its smoke check: exit 2 says the paths came first.
    const out = await runCli(['run', file, '--quiet', '--out', file]);
    expect([out.code, out.stderr.trim()]).toEqual([2, `shadowtap: --out ${file}: cannot write (ENOTDIR)`]);
    const proc = await runCli(['run', file, '--quiet', '--junit', '/proc/nope/junit.xml'], {}, 20_000);
    expect([proc.code, proc.stderr]).toEqual([2, expect.stringContaining('--junit /proc/nope/junit.xml: cannot write')]);
  });

  it('exits 3 when a target cannot be reached before load, and still writes the report', async () => {
    const port = await freePort();
    const file = writeScenarios(dir, 'down.yaml', `configurations:\n  down:\n    baseUrl: http://127.0.0.1:${port}\nscenarios:\n  - name: load\n    load: [{ rate: 5, duration: 1s }]\n`);
    const r = await runCli(['run', file, '--quiet', '--report', `${dir}/down-report`, '--junit', `${dir}/down.xml`]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('verdict: INVALID (exit 3)');
    expect(r.stdout).toMatch(/load: down cannot be reached: \/health: ECONNREFUSED/);
    const summary = JSON.parse(readFileSync(`${dir}/down-report/summary.json`, 'utf8')) as { verdict: string; scenarios: { configurations: { smoke: { state: string }; phases: unknown[] }[] }[] };
    expect(summary.verdict).toBe('invalid');
    expect(summary.scenarios[0]!.configurations[0]!.smoke.state).toBe('unavailable');
    expect(summary.scenarios[0]!.configurations[0]!.phases).toEqual([]);
    expect(readFileSync(`${dir}/down.xml`, 'utf8')).toContain('<testsuite name="load"');
  });
});
