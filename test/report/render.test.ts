import * as hdr from 'hdr-histogram-js';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { distributionFromHistogram, nines } from '../../src/report/distribution.js';
import { esc, jsonForScript, uniqueSlugs } from '../../src/report/escape.js';
import { ms, num, withUnit } from '../../src/report/format.js';
import { renderHtml } from '../../src/report/html/page.js';
import { csp, scripts } from '../../src/report/html/script.js';
import { CHART_SCRIPT } from '../../src/report/html/chart-script.js';
import { chartData, chartFigure, type ChartData } from '../../src/report/chart-spec.js';
import { axisValue, limitText, thresholdOutcome, tick } from '../../src/report/format.js';
import { writeReport } from '../../src/report/write.js';
import { scenarioVerdict, withVerdict, worstVerdict } from '../../src/report/verdict.js';
import { XSS, capacityScenario, replayModel, scenariosModel } from '../helpers/report-models.js';
import { tempDir } from '../helpers/tmp.js';
import { createHash } from 'node:crypto';

const hostile = scenariosModel(true);
const html = renderHtml(hostile);
const JSON_BLOCK = /<script type="application\/json"[^>]*>[^<]*<\/script>/g;
/** The chart data every figure of a page carries. */
const chartsOf = (page: string): ChartData[] => [...page.matchAll(/<script type="application\/json" class="chart-data">([^<]*)<\/script>/g)].map((m) => JSON.parse(m[1]!) as ChartData);

describe('escaping', () => {
  it('escapes text and attribute metacharacters', () => {
    expect(esc(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  });

  it('embeds JSON that cannot close its script block and parses back unchanged', () => {
    const value = { a: XSS.close, b: '<!-- x -->', c: '\u2028' };
    const out = jsonForScript(value);
    expect(out).not.toMatch(/[<>]/);
    expect(JSON.parse(out)).toEqual(value);
  });

  it('lets no hostile string through as markup', () => {
    // JSON blocks are text to the parser (checked above); the two hashed scripts are ours; everything else is markup.
    const markup = html.replace(JSON_BLOCK, '').replace(/<script>[\s\S]*?<\/script>/g, '');
    expect(markup.length).toBeLessThan(html.length);
    for (const v of Object.values(XSS)) expect(markup.includes(v), v).toBe(false);
    expect(/<img/i.test(markup)).toBe(false);
    // No event-handler attribute on any tag: values (all double-quoted, with " escaped inside) removed first.
    expect(/<[a-z][^>]*\son\w+\s*=/i.test(markup.replace(/"[^"]*"/g, '""'))).toBe(false);
    // The JSON blocks (the model, one per chart) and the two hashed scripts: nothing else.
    expect(html.match(/<script/g)).toHaveLength((html.match(JSON_BLOCK) ?? []).length + 2);
    expect(html).toContain(esc(XSS.img));
  });

  it('gives every scenario its own anchor', () => {
    expect(uniqueSlugs(['A/B', 'a b', '<>', 'capacity'])).toEqual(['a-b', 'a-b-2', 'x', 'capacity']);
  });

  it('carries a CSP that loads nothing external and runs only uPlot and the chart script, by hash', () => {
    expect(html).toContain(`content="${esc(csp())}"`);
    expect(csp()).toMatch(/default-src 'none'/);
    expect(csp()).not.toMatch(/https?:/);
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline).toEqual(scripts());
    expect(inline[0]).toContain('uPlot');
    for (const js of inline) expect(csp()).toContain(`'sha256-${createHash('sha256').update(js).digest('base64')}'`);
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//);
  });

  it('formats hover values in the page with format.ts itself', () => {
    const inPage = new Function(`${CHART_SCRIPT.slice(CHART_SCRIPT.indexOf('\n') + 1, CHART_SCRIPT.indexOf('var H ='))}; return [ms(12345), ms(0.1684), tick(25000), axisValue('nines', 4), axisValue('rate', 60.44)];`) as () => string[];
    expect(inPage()).toEqual([ms(12345), ms(0.1684), tick(25000), 'p99.99', '60.4 req/s']);
    expect([0, 1, 2, 3, 5].map((v) => axisValue('nines', v))).toEqual(['p0', 'p90', 'p99', 'p99.9', 'max']);
  });

  it('embeds the model itself', () => {
    const m = html.match(/<script type="application\/json" id="report-data">([^<]*)<\/script>/);
    expect(JSON.parse(m![1]!)).toEqual(hostile);
  });
});

describe('content', () => {
  it('renders every scenario, table and chart the model holds', () => {
    for (const s of hostile.scenarios) expect(html).toContain(`<h2>${esc(s.name)} `);
    for (const t of ['smoke', 'thresholds', 'comparisons', 'knee', 'stats', 'validity', 'endpoints']) expect(html).toContain(`data-table="${t}"`);
    // Per phase name: 4 overlay charts when several runs share it, 4 detail charts per configuration.
    const expected = hostile.scenarios.reduce((n, s) => {
      const names = new Set(s.configurations.flatMap((c) => c.phases.map((p) => p.name)));
      return n + [...names].reduce((k, name) => {
        const runs = s.configurations.flatMap((c) => c.phases.filter((p) => p.name === name)).length;
        const configs = s.configurations.filter((c) => c.phases.some((p) => p.name === name)).length;
        return k + (runs > 1 ? 4 : 0) + 4 * configs;
      }, 0);
    }, 0);
    expect(html.match(/<figure class="chart" data-chart>/g)).toHaveLength(expected);
    expect(html).not.toContain('class="chart empty"');
  });

  it('marks the knee and the timeline events on the charts', () => {
    const ff = hostile.scenarios[0]!.configurations[0]!.phases[0]!.knee!;
    const labels = chartsOf(html).flatMap((c) => c.markers!.map((m) => m.label));
    expect(labels).toContain(`break ≈ ${num(ff.breakRate!)} req/s`);
    expect(labels).toContain(`i-0abc${XSS.close}: draining`);
  });

  it('groups threshold results: one row per configuration × threshold, the runs summarised', () => {
    const ab = hostile.scenarios[2]!;
    expect(ab.thresholds).toHaveLength(10);
    const section = html.slice(html.indexOf('id="scenario-a-b"'));
    const rows = section.slice(section.indexOf('data-table="thresholds"'), section.indexOf('</table>', section.indexOf('data-table="thresholds"'))).match(/<tr>/g)!;
    expect(rows).toHaveLength(1 + 2);
    const runs = ab.thresholds.filter((t) => t.configuration === 'build-a').map((t) => t.actual);
    expect(section).toContain(`data-value="${esc(JSON.stringify(runs))}"`);
    expect(section).toMatch(/median [\d.]+ ms <span class="muted">\([\d.]+ ms – [\d.]+ ms, 5 runs\)/);
  });

  it('gives ten repeated runs ten colours, and each configuration its own dash', () => {
    const overlay = chartsOf(renderHtml(scenariosModel())).find((c) => c.title === 'steady: p99 latency (ok), all runs')!;
    expect(overlay.series).toHaveLength(10);
    expect(new Set(overlay.series.map((x) => x.colour)).size).toBe(10);
    expect(overlay.series.map((x) => x.dash === undefined)).toEqual([...Array(5).fill(true), ...Array(5).fill(false)]);
  });

  it('renders replay runs: targets, status mix, differences with noise apart', () => {
    const r = renderHtml(replayModel(true));
    for (const t of ['targets', 'endpoints', 'differences', 'validity']) expect(r).toContain(`data-table="${t}"`);
    expect(r).toContain('badge neutral">noise');
    expect(r).toContain('badge bad">difference');
    expect(r).not.toMatch(/<img/i);
  });

  it('lets only hex colours into the chart data', () => {
    const d = chartData({ title: 't', xLabel: 'x', yLabel: 'y', x: 'sec', y: 'ms', series: [{ label: 'a', colour: '"/><script>x</script>', points: [[0, 1], [1, 2]] }], markers: [{ x: 0.5, label: 'm', colour: 'red;background:url(x)' }] });
    expect(d.series[0]!.colour).toBe('#555555');
    expect(d.markers![0]!.colour).toBe('#555555');
  });

  it('draws gaps, not NaN, for values a producer could not measure', () => {
    const d = chartData({ title: 't', xLabel: 'x', yLabel: 'y', x: 'sec', y: 'ms', series: [{ label: 'a', colour: '#000', points: [[0, 1], [1, NaN], [2, null], [3, 2], [4, 3], [NaN, 4]] }], limits: [{ y: NaN, label: 'l' }] });
    expect(d.series[0]).toMatchObject({ x: [0, 1, 2, 3, 4], y: [1, null, null, 2, 3] });
    expect(d.limits).toEqual([]);
    expect(JSON.stringify(d)).not.toContain('NaN');
  });

  it('says so when a chart has nothing to draw', () => {
    const fig = chartFigure({ title: 'empty', xLabel: 'x', yLabel: 'y', x: 'sec', y: 'ms', series: [{ label: 'a', colour: '#000', points: [[0, null]] }] });
    expect(fig).toContain('No data recorded.');
    expect(fig).not.toContain('chart-data');
  });

  it('says when a proxy carried the requests, and counts differing requests, not field hits', () => {
    const m = replayModel();
    m.replay!.summary.targets[2]!.proxy = 'http://user:***@127.0.0.1:3128';
    const r = renderHtml(m);
    expect(r).toContain('Requests went through HTTP proxy <code>http://user:***@127.0.0.1:3128</code> (2 targets direct); latency includes the proxy hop.');
    expect(r).toContain('via proxy <code>http://user:***@127.0.0.1:3128</code>');
    // 12 requests differ beyond noise out of 1,600 compared; the 1,600 noise hits are a field apart, not requests.
    const card = r.slice(r.indexOf('data-card="differences"'), r.indexOf('</div></div>', r.indexOf('data-card="differences"')));
    expect(card).toContain('Differing requests');
    expect(card).toContain('12 <span class="of">of 1,600</span>');
    expect(card).toContain('in 1 field, 1 noise field apart');
  });

  it('writes index.html and summary.json holding the model', async () => {
    const dir = tempDir('shadowtap-report-');
    const m = replayModel();
    const out = await writeReport(dir, m);
    expect(JSON.parse(await readFile(out.summary, 'utf8'))).toEqual(m);
    expect(await readFile(out.html, 'utf8')).toBe(renderHtml(m));
  });
});

describe('numbers', () => {
  it('formats with units', () => {
    expect(ms(306.431)).toBe('306 ms');
    expect(ms(0.1684)).toBe('0.168 ms');
    expect(ms(12_345)).toBe('12.3 s');
    expect(withUnit(0.015, 'percent')).toBe('1.5 %');
    expect(withUnit(null, 'ms')).toBe('—');
    expect(withUnit(NaN, 'ms')).toBe('—');
    expect(num(1234567)).toBe('1,234,567');
  });

  it('states threshold outcomes with units', () => {
    expect(thresholdOutcome({ metric: 'p99', op: '<=', limit: 5, unit: 'ms', actual: 39.807 })).toBe('p99 39.8 ms (limit ≤ 5 ms)');
    expect(thresholdOutcome({ metric: 'errorRate', op: '<=', limit: 0.01, unit: 'percent', actual: null })).toBe('errorRate not measured (limit ≤ 1 %)');
    expect(limitText({ op: '>=', limit: 50, unit: 'req/s' })).toBe('≥ 50 req/s');
  });

  it('reads a distribution from a µs HdrHistogram', () => {
    const h = hdr.build({ useWebAssembly: false, numberOfSignificantValueDigits: 3 });
    for (let v = 1; v <= 10_000; v++) h.recordValue(v * 100); // 0.1 .. 1000 ms
    const d = distributionFromHistogram(h);
    const at = (p: number) => d.find((x) => x.percentile === p)!.ms;
    expect(at(50)).toBeCloseTo(500, -1);
    expect(at(99)).toBeCloseTo(990, -1);
    expect(at(100)).toBeCloseTo(1000, -1);
    expect(nines(99)).toBeCloseTo(2);
    expect(nines(100)).toBe(5);
  });

  it('decides the overall verdict: invalid over fail over pass', () => {
    expect(worstVerdict(['pass', 'fail'])).toBe('fail');
    expect(worstVerdict(['fail', 'invalid', 'pass'])).toBe('invalid');
    expect(hostile.verdict).toBe('fail');
    expect(hostile.exitCode).toBe(1);
    const { verdict: _v, exitCode: _e, ...rest } = replayModel();
    const invalid = withVerdict({ ...rest, replay: { ...rest.replay!, summary: { ...rest.replay!.summary, validity: { ...rest.replay!.summary.validity, valid: false } } } });
    expect(invalid.exitCode).toBe(3);
  });

  it('a scenario that is invalid and failed: invalid, unless what failed no lag can explain (requests failed through a drain)', () => {
    const { verdict: _v, ...s } = capacityScenario();
    const failedP99 = { metric: 'p99', op: '<=' as const, limit: 1, actual: 900, unit: 'ms' as const, pass: false };
    const drained = { metric: 'drain.failedRequests', op: '==' as const, limit: 0, actual: 4, unit: 'count' as const, pass: false };
    const passes = s.thresholds.map((t) => ({ ...t, pass: true }));
    expect(scenarioVerdict({ ...s, thresholds: passes })).toBe('pass');
    expect(scenarioVerdict({ ...s, thresholds: [...passes, failedP99] })).toBe('fail');
    expect(scenarioVerdict({ ...s, thresholds: [...passes, failedP99] }, true)).toBe('invalid');
    expect(scenarioVerdict({ ...s, thresholds: passes }, true)).toBe('invalid');
    expect(scenarioVerdict({ ...s, thresholds: [...passes, failedP99, drained] }, true)).toBe('fail');
    expect(scenarioVerdict({ ...s, thresholds: [...passes, { ...drained, actual: 0, pass: true }] }, true)).toBe('invalid');
  });
});

describe('edge cases', () => {
  it('renders a phase that recorded nothing, beside an hour-long one', () => {
    const m = scenariosModel();
    const phase = m.scenarios[0]!.configurations[0]!.phases[0]!;
    const empty = { ...phase, stats: { ...phase.stats, intervals: [] }, distribution: [], knee: { kneeRate: null, breakRate: null, errorBudget: 0.01 } };
    const iv = phase.stats.intervals[5]!;
    const long = { ...phase, stats: { ...phase.stats, intervals: Array.from({ length: 3600 }, (_, i) => ({ ...iv, startMs: i * 1000 })) } };
    const out = renderHtml({ ...m, scenarios: [{ name: 'edge', verdict: 'pass', thresholds: [], comparisons: [], configurations: [{ name: 'idle', baseUrl: 'http://127.0.0.1:1', phases: [empty] }, { name: 'busy', baseUrl: 'http://127.0.0.1:2', phases: [long] }] }] });
    expect(out).toContain('No data recorded.');
    // uPlot draws every interval: the data keeps all of them.
    const busy = chartsOf(out).find((c) => c.title === 'busy: latency over time')!;
    expect(busy.series.map((x) => x.x.length)).toEqual([3600, 3600, 3600]);
  });

  it('carries a series longer than a call can take arguments', () => {
    const points = Array.from({ length: 200_000 }, (_, i): [number, number] => [i, i % 1000]);
    const fig = chartFigure({ title: 'long', xLabel: 'x', yLabel: 'y', x: 'sec', y: 'ms', series: [{ label: 'a', colour: '#000', points }] });
    expect(chartsOf(fig)[0]!.series[0]!.y).toHaveLength(200_000);
  });
});
