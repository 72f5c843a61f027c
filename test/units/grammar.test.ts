import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../src/agent/config.js';
import { drainStepSchema, ms } from '../../src/aws/step-schemas.js';
import { parseScenarios } from '../../src/scenarios/load.js';
import { YamlSource } from '../../src/config/yaml-source.js';
import { parseDuration, parseRate, parseShare, parseSize } from '../../src/units/index.js';
import { recorded, runCli, startServer, writeCapture } from '../helpers/replay-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-units-');

describe('one grammar for durations, sizes, rates and percentages', () => {
  it('reads every spelling, old and new, and refuses the rest', () => {
    for (const [text, msValue] of [['500us', 0.5], ['500µs', 0.5], ['250ms', 250], ['30s', 30_000], ['2m', 120_000], ['2h', 7_200_000], ['1h30m', 5_400_000], ['1m30.5s', 90_500], ['1d', 86_400_000]] as const) {
      expect(parseDuration(text)).toBe(msValue);
    }
    expect(parseDuration('10', { bare: 's' })).toBe(10_000);
    expect(parseDuration(10, { bare: 'ms' })).toBe(10);
    for (const bad of ['10', '-5s', 'NaN', 'Infinity', '1e3s', '30m1h', '1h1h', '5 s', '', '25d']) expect(() => parseDuration(bad), bad).toThrow(/duration|longest/);
    for (const [text, bytes] of [['512', 512], ['64KiB', 65_536], ['1MiB', 1_048_576], ['1MB', 1_000_000], ['1.5 MiB', 1_572_864], ['2GiB', 2 ** 31], ['1kB', 1000]] as const) {
      expect(parseSize(text)).toBe(bytes);
    }
    for (const bad of ['-5', '1XB', '1mib', 'NaN', '1e6']) expect(() => parseSize(bad), bad).toThrow(/expected a size/);
    for (const [text, perS] of [['100', 100], ['100/s', 100], ['6000/min', 100], ['90/h', 0.025], ['0.5', 0.5]] as const) expect(parseRate(text)).toBeCloseTo(perS, 10);
    for (const bad of ['Infinity', '-1', '100/fortnight', '1e3']) expect(() => parseRate(bad), bad).toThrow(/expected a rate/);
    // One bound for --rate, --ramp and scenarios.yaml: a schedule beyond it only queues sends to skip.
    for (const high of ['1000001', '60000060/min']) expect(() => parseRate(high), high).toThrow(/^above the highest rate supported \(1000000\/s\)$/);
    expect(parseRate('1000000')).toBe(1_000_000);
    expect(parseShare('95%', { bare: 'fraction' })).toBe(0.95);
    expect(parseShare('0.5%', { bare: 'fraction' })).toBe(0.005);
    expect(parseShare('0.2', { bare: 'fraction' })).toBe(0.2);
    expect(parseShare('20', { bare: 'percent' })).toBe(0.2);
    expect(() => parseShare('150%', { bare: 'fraction' })).toThrow(/at most 100%/);
  });

  it('scenarios.yaml, agent.yaml and the AWS steps take what the command line takes (2h, 1h30m, 500us, 1MiB, 6000/min)', async () => {
    const scenarios = `configurations:\n  a:\n    baseUrl: http://127.0.0.1:1\nscenarios:\n  - name: one\n    smoke: false\n    knee: { p99: 500us }\n    load:\n      - rate: 6000/min\n        duration: 1h30m\n      - ramp: { from: 0, to: 120/min }\n        duration: 2h\n    thresholds:\n      p99: 1.5s\n      achievedRate: 95%\n`;
    const spec = parseScenarios(YamlSource.parse('s.yaml', scenarios), {});
    const s = spec.scenarios[0]!;
    expect(s.knee.p99Ms).toBe(0.5);
    expect(s.phases[0]).toMatchObject({ kind: 'rate', rate: 100, durationMs: 5_400_000 });
    expect(s.phases[1]).toMatchObject({ kind: 'ramp', from: 0, to: 2, durationMs: 7_200_000 });
    const agent = await parseAgentConfig(YamlSource.parse('agent.yaml', 'source:\n  proxy:\n    listen: 127.0.0.1:8081\n    upstream: http://127.0.0.1:8080\nmaxBodyBytes: 64KiB\nfiles:\n  dir: /tmp/x\n  rotateEvery: 1h30m\n  retry: 500ms\nmirror:\n  targets: [{ url: "http://127.0.0.1:9" }]\n  maxRate: 600/min\ncontrol:\n  token: 0123456789abcdef0123\n'), {});
    expect(agent.maxBodyBytes).toBe(65_536);
    expect(agent.files).toMatchObject({ rotateEvery: 5_400_000, retry: 500 });
    expect(agent.mirror?.maxRate).toBe(10);
    const step = drainStepSchema.parse({ targetGroup: 'tg', at: '1m30s', poll: '2h' });
    expect([ms(step.at, 0), ms(step.poll, 0)]).toEqual([90_000, 7_200_000]);
    expect(drainStepSchema.safeParse({ targetGroup: 'tg', at: '-1s' }).error?.issues[0]?.message).toMatch(/^expected a duration such as/);
  });

  it('names the field and its line for a bad unit in a YAML file', () => {
    const bad = `configurations:\n  a:\n    baseUrl: http://127.0.0.1:1\nscenarios:\n  - name: one\n    smoke: false\n    interval: 30m1h\n`;
    expect(() => parseScenarios(YamlSource.parse('s.yaml', bad), {})).toThrow('s.yaml:7:15: scenarios[0].interval: expected a duration such as 500ms, 30s, 2h, 1h30m or 500us: units from the largest to the smallest, each once (got "30m1h")');
  });

  it('the command line replays with the same spellings (1MiB, 6000/min, 1h30m, 100%)', async () => {
    const server = await startServer();
    try {
      const capture = await writeCapture(join(dir, 'three.jsonl'), [0, 1, 2].map((i) => recorded(i, i * 10)));
      const r = await runCli(['replay', capture, '-t', server.url, '--rate', '6000/min', '--duration', '1h30m', '--max-body', '1MiB', '--sample', '100%',
        '--timeout', '1m30s', '--connect-timeout', '2s', '--drain', '10s', '--max-lag-p99', '1s', '--max-loop-delay', '1s', '--quiet'], {}, 30_000);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(server.received).toHaveLength(3);
    } finally {
      await server.close();
    }
  });
});
