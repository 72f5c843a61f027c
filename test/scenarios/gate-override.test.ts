import { expect, it } from 'vitest';
import { loadScenarios } from '../../src/scenarios/load.js';
import { runScenarios } from '../../src/scenarios/runner.js';
import { Progress } from '../../src/scenarios/progress.js';
import { childServer } from '../helpers/replay-fixtures.js';
import { writeScenarios } from '../helpers/scenarios-files.js';
import { tempDir } from '../helpers/tmp.js';

it('the validity gate from the command line (run --max-lag-p99/--max-loop-delay) overrides every scenario\'s own', async () => {
  const server = await childServer('ok');
  // The generator's own event loop is blocked 40 ms in every 50: its sends are late for sure.
  const hog = setInterval(() => {
    const t = Date.now();
    while (Date.now() - t < 40);
  }, 50);
  try {
    const file = writeScenarios(tempDir('shadowtap-gate-'), 'gate.yaml', `configurations:\n  a:\n    baseUrl: ${server.url}\nscenarios:\n  - name: late\n    smoke: false\n    requests: [{ path: / }]\n    load: [{ rate: 50, duration: 2s }]\n`);
    const spec = await loadScenarios(file, {});
    const progress = new Progress(process.stderr, true);
    const gated = await runScenarios(spec, { progress });
    expect(gated.verdict, gated.reasons.join('\n')).toBe('invalid');
    expect(gated.reasons[0]).toMatch(/schedule lag p99 [\d.]+ ms > 10 ms and > 20 % of the raw latency p99/);
    const off = await runScenarios(spec, { progress, validity: { maxLagP99Ms: Infinity, maxEventLoopDelayP99Ms: Infinity } });
    expect(off.verdict, off.reasons.join('\n')).toBe('pass');
    expect(off.scenarios[0]!.configurations[0]!.phases[0]!.validity.scheduleLagP99Ms).toBeGreaterThan(10);
  } finally {
    clearInterval(hog);
    server.stop();
  }
});
