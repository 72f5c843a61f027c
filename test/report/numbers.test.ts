import { describe, expect, it } from 'vitest';
import { newHistogram, percentilesMs, recordUs } from '../../src/replay/stats/histogram.js';
import { TargetStats } from '../../src/replay/stats/target-stats.js';
import { Outcomes } from '../../src/scenarios/measure/outcomes.js';
import { distributionFromHistogram } from '../../src/report/distribution.js';
import { renderHtml } from '../../src/report/html/page.js';
import { renderJUnit } from '../../src/report/junit.js';
import { checkMetrics } from '../../src/scenarios/thresholds.js';
import type { RequestResult } from '../../src/replay/types.js';
import { capacityScenario, maintenanceScenario, scenariosModel } from '../helpers/report-models.js';

describe('report numbers', () => {
  it('no percentile is above the largest value recorded (HdrHistogram answers with its bucket top)', () => {
    const h = newHistogram();
    for (let i = 0; i < 2000; i++) recordUs(h, 100_000 + i * 100);
    recordUs(h, 313_000);
    expect(h.getValueAtPercentile(99.99)).toBeGreaterThan(313_000); // what the fix is about
    const p = percentilesMs(h);
    expect(p.max).toBe(313);
    expect(p.p999).toBeLessThanOrEqual(p.max);
    for (const d of distributionFromHistogram(h)) expect(d.ms).toBeLessThanOrEqual(313);
  });

  // A target serving 50 responses/s offered 100 req/s for 1 s: each answer 20 ms after the previous.
  const saturated = (): RequestResult[] => Array.from({ length: 100 }, (_, i) => ({
    id: String(i), target: 0, endpoint: 'GET /', method: 'GET', intendedUs: i * 10_000, sentUs: i * 10_000,
    latencyUs: (i + 1) * 20_000 - i * 10_000, rawLatencyUs: 1000, lagUs: 0, status: 200,
  }));

  it('replay: responses are counted in the second they came, and the achieved rate is what the target served', () => {
    const s = new TargetStats('http://t', 1_000_000, 1_000_000);
    for (const r of saturated()) {
      s.offered(r.intendedUs);
      s.record(r);
    }
    const t = s.summary(2_000_000, 990_000, true);
    expect(t.intervals.map((iv) => [iv.startMs, iv.offered, iv.ok])).toEqual([[0, 100, 49], [1000, 0, 50], [2000, 0, 1]]);
    expect(t.offeredRate).toBe(100);
    expect(t.achievedRate).toBe(50);
  });

  it('scenarios: the same for a phase (responses/s chart, achievedRate threshold)', () => {
    const o = new Outcomes(1000);
    for (const r of saturated()) o.record(r);
    expect(o.intervalStats().map((iv) => [iv.startMs, iv.offered, iv.ok])).toEqual([[0, 100, 49], [1000, 0, 50], [2000, 0, 1]]);
    expect(o.achievedRate()).toBe(50);
  });

  it('"Healthy configurations" counts configurations, not smoke checks of every scenario', () => {
    const m = scenariosModel();
    const names = new Set(m.scenarios.flatMap((s) => s.configurations.filter((c) => c.smoke).map((c) => c.name)));
    const checks = m.scenarios.flatMap((s) => s.configurations.filter((c) => c.smoke)).length;
    const twice = { ...m, scenarios: [...m.scenarios, capacityScenario()] };
    const card = /data-card="smoke"><div class="k">Healthy configurations<\/div><div class="v">(\d+) \/ (\d+)<\/div>/;
    const [, healthy, all] = card.exec(renderHtml(twice))!;
    expect(checks + capacityScenario().configurations.length).toBeGreaterThan(names.size);
    expect(Number(all)).toBe(names.size);
    const unhealthy = new Set(maintenanceScenario().configurations.map((c) => c.name));
    expect(Number(healthy)).toBe([...names].filter((n) => !unhealthy.has(n)).length);
  });

  it('errorRate limits are percentages in JUnit names and the HTML thresholds table', () => {
    const [t] = checkMetrics({ errorRate: 0 }, { latency: null, errorRate: 0.02, offeredRate: 1, achievedRate: 1 }, { configuration: 'a', phase: 'p' });
    expect(t).toMatchObject({ unit: 'percent', pass: false });
    const m = scenariosModel();
    const withRate = { ...m, scenarios: [{ ...m.scenarios[0]!, thresholds: [t!] }] };
    expect(renderJUnit(withRate)).toContain('name="a p: errorRate &lt;= 0 %"');
    const html = renderHtml(withRate);
    expect(html).toContain('≤ 0 %');
    expect(html).not.toContain('×0');
  });
});
