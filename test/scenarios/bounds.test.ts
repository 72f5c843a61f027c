import { describe, expect, it } from 'vitest';
import { parseError } from '../helpers/scenarios-files.js';

const file = (configs: string, scenario = '', defaults = '') => `configurations:${configs}
${defaults}scenarios:
  - name: one
    smoke: false
${scenario}`;
const A = '\n  a:\n    baseUrl: http://127.0.0.1:1';

describe('scenarios.yaml bounds: what cannot be measured is refused, naming the field', () => {
  it('needs at least one configuration', () => {
    expect(parseError(file(' {}'))).toBe('s.yaml:1:17: configurations: at least one configuration is needed');
  });

  it('needs a baseUrl that parses as a URL, port included', () => {
    for (const url of ['"http://"', 'http://127.0.0.1:99999', '"http://a b"']) {
      expect(parseError(file(`\n  a:\n    baseUrl: ${url}`))).toBe('s.yaml:3:14: configurations.a.baseUrl: not a valid URL');
    }
    expect(parseError(file('\n  a:\n    baseUrl: elbv2://my-target-group'))).toBe('');
  });

  it('needs an interval of at least 10ms, in a scenario and in defaults', () => {
    for (const v of ['0s', '1us', '9ms']) {
      expect(parseError(file(A, `    interval: ${v}\n`))).toMatch(new RegExp(`^s\\.yaml:7:15: scenarios\\[0\\]\\.interval: expected at least 10ms: .* \\(got "${v}"\\)$`));
    }
    expect(parseError(file(A, '', 'defaults:\n  interval: 0s\n'))).toMatch(/^s\.yaml:5:13: defaults\.interval: expected at least 10ms/);
    expect(parseError(file(A, '    interval: 10ms\n'))).toBe('');
  });

  it('needs a load phase longer than zero', () => {
    expect(parseError(file(A, '    load: [{ rate: 5, duration: 0s }]\n'))).toMatch(/^s\.yaml:7:33: scenarios\[0\]\.load\[0\]\.duration: expected a duration above 0ms: a phase of no time sends nothing to measure/);
  });

  it('refuses a rate above what the generator can send, as the rate flags do', () => {
    expect(parseError(file(A, '    load: [{ rate: 100000000, duration: 2s }]\n'))).toBe('s.yaml:7:20: scenarios[0].load[0].rate: above the highest rate supported (1000000/s) (got 100000000)');
    expect(parseError(file(A, '    load: [{ ramp: { from: 1, to: 2000000/s }, duration: 2s }]\n'))).toMatch(/^s\.yaml:7:\d+: scenarios\[0\]\.load\[0\]\.ramp\.to: above the highest rate supported/);
    expect(parseError(file(A, '    load: [{ rate: 1000000, duration: 2s }]\n'))).toBe('');
  });

  it('quotes YAML\'s .inf and .nan as what they are, not as null', () => {
    expect(parseError(file(A, '    load: [{ rate: .inf, duration: 2s }]\n'))).toMatch(/^s\.yaml:7:20: scenarios\[0\]\.load\[0\]\.rate: expected a rate above 0.* \(got Infinity\)$/);
    expect(parseError(file(A, '    load: [{ rate: .nan, duration: 2s }]\n'))).toMatch(/\(got NaN\)$/);
  });
});
