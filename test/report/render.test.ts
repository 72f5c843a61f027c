import * as hdr from 'hdr-histogram-js';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { distributionFromHistogram, nines } from '../../src/report/distribution.js';
import { esc, jsonForScript, uniqueSlugs } from '../../src/report/escape.js';
import { ms, num, withUnit } from '../../src/report/format.js';
import { renderHtml } from '../../src/report/html/page.js';
import { CSP, SCRIPT, SCRIPT_HASH } from '../../src/report/html/script.js';
import { lineChart } from '../../src/report/svg/line-chart.js';
import { niceTicks } from '../../src/report/svg/scale.js';
import { writeReport } from '../../src/report/write.js';
import { withVerdict, worstVerdict } from '../../src/report/verdict.js';
import { XSS, replayModel, scenariosModel } from '../helpers/report-models.js';
import { tempDir } from '../helpers/tmp.js';
import { createHash } from 'node:crypto';

const hostile = scenariosModel(true);
const html = renderHtml(hostile);

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
    // The JSON data block is text to the parser (checked above); everything else is markup.
    const markup = html.replace(/<script type="application\/json" id="report-data">[^<]*<\/script>/, '');
    expect(markup.length).toBeLessThan(html.length);
    for (const s of Object.values(XSS)) expect(markup.includes(s), s).toBe(false);
    expect(/<img/i.test(markup)).toBe(false);
    // No event-handler attribute on any tag: values (all double-quoted, with " escaped inside) removed first.
    expect(/<[a-z][^>]*\son\w+\s*=/i.test(markup.replace(/"[^"]*"/g, "\"\""))).toBe(false);
    // Exactly the JSON block and the hashed script.
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html).toContain(esc(XSS.img));
  });

  it('gives every scenario its own anchor', () => {
    expect(uniqueSlugs(['A/B', 'a b', '<>', 'capacity'])).toEqual(['a-b', 'a-b-2', 'x', 'capacity']);
  });

  it('carries a CSP that loads nothing external and hashes the one script', () => {
    expect(html).toContain(`content="${esc(CSP)}"`);
    expect(CSP).toMatch(/default-src 'none'/);
    expect(CSP).not.toMatch(/https?:/);
    expect(SCRIPT_HASH).toBe(`sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`);
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//);
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
    expect(html.match(/<figure class="chart">/g)).toHaveLength(expected);
    expect(html).not.toContain('class="chart empty"');
  });

  it('marks the knee and the timeline events on the charts', () => {
    const ff = hostile.scenarios[0]!.configurations[0]!.phases[0]!.knee!;
    expect(html).toContain(`break ≈ ${num(ff.breakRate!)} req/s`);
    expect(html).toContain(esc(`i-0abc${XSS.close}: draining`));
  });

  it('renders replay runs: targets, status mix, differences with noise apart', () => {
    const r = renderHtml(replayModel(true));
    for (const t of ['targets', 'endpoints', 'differences', 'validity']) expect(r).toContain(`data-table="${t}"`);
    expect(r).toContain('badge neutral">noise');
    expect(r).toContain('badge bad">difference');
    expect(r).not.toMatch(/<img/i);
  });

  it('lets only hex colours into style and presentation attributes', () => {
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ label: 'a', colour: '"/><script>x</script>', points: [[0, 1], [1, 2]] }], markers: [{ x: 0.5, label: 'm', colour: 'red;background:url(x)' }] });
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('url(');
    expect(svg).toContain('stroke="#555555"');
  });

  it('draws gaps, not NaN, for values a producer could not measure', () => {
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ label: 'a', colour: '#000', points: [[0, 1], [1, NaN], [2, null], [3, 2], [4, 3], [NaN, 4]] }], limits: [{ y: NaN, label: 'l' }] });
    expect(svg).not.toContain('NaN');
    expect(svg.match(/<path class="line"/g)).toHaveLength(2);
  });

  it('says so when a chart has nothing to draw', () => {
    const svg = lineChart({ title: 'empty', xLabel: 'x', yLabel: 'y', series: [{ label: 'a', colour: '#000', points: [[0, null]] }] });
    expect(svg).toContain('No data recorded.');
    expect(svg).not.toContain('<svg');
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

  it('picks round ticks covering the data', () => {
    const t = niceTicks(0, 906);
    expect(t[0]).toBe(0);
    expect(t.at(-1)!).toBeGreaterThanOrEqual(906);
    expect(t).toEqual([0, 200, 400, 600, 800, 1000]);
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
    const chart = out.slice(out.indexOf('<figcaption>busy: latency over time'), out.indexOf('</figure>', out.indexOf('<figcaption>busy: latency over time')));
    // Lines keep every interval; the hover points are thinned to about 150 per series.
    expect(chart.match(/<path class="line"/g)).toHaveLength(3);
    expect(chart.match(/<circle/g)!.length).toBeLessThanOrEqual(3 * 150);
  });

  it('draws a series longer than a call can take arguments', () => {
    const points = Array.from({ length: 200_000 }, (_, i): [number, number] => [i, i % 1000]);
    const svg = lineChart({ title: 'long', xLabel: 'x', yLabel: 'y', series: [{ label: 'a', colour: '#000', points }] });
    expect(svg).toContain('<path class="line"');
    expect(svg.match(/<circle/g)!.length).toBeLessThanOrEqual(150);
  });
});
