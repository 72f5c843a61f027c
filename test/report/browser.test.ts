import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { withUnit } from '../../src/report/format.js';
import type { ReportModel, Unit } from '../../src/report/model.js';
import { writeReport } from '../../src/report/write.js';
import { openReport, readTable, shownNumber, useBrowser, type CellRead } from '../helpers/report-browser.js';
import { XSS, replayModel, scenariosModel } from '../helpers/report-models.js';
import { tempDir } from '../helpers/tmp.js';

const browser = useBrowser();
const dir = tempDir('shadowtap-report-browser-');

/** Write the model, then read summary.json back: the tables must show what the file says. */
async function written(name: string, model: ReportModel): Promise<{ html: string; summary: ReportModel }> {
  const out = await writeReport(join(dir, name), model);
  return { html: out.html, summary: JSON.parse(await readFile(out.summary, 'utf8')) as ReportModel };
}

/** A cell shows `v` exactly in data-value, formatted with its unit, and as a number a person would read as `v`. */
function expectShown(cell: CellRead | undefined, v: number | null, unit: Unit): void {
  expect(cell).toBeDefined();
  expect(cell!.value).toBe(v);
  expect(cell!.text).toBe(withUnit(v, unit));
  if (v !== null) expect(Math.abs(shownNumber(cell!.text) - v)).toBeLessThanOrEqual(Math.max(0.006 * Math.abs(v), 0.0006));
}

async function expectChartsDrawn(page: Page): Promise<number> {
  const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => ({
    empty: f.classList.contains('empty'),
    canvas: f.querySelector('canvas')?.getBoundingClientRect().width ?? 0,
    legend: f.querySelectorAll('.u-legend .u-series').length,
  })));
  expect(charts.length).toBeGreaterThan(0);
  for (const c of charts) {
    expect(c.empty).toBe(false);
    expect(c.canvas).toBeGreaterThan(200);
    expect(c.legend).toBeGreaterThan(1);
  }
  return charts.length;
}

async function expectNothingRan(page: Page, problems: string[], requests: string[], html: string): Promise<void> {
  expect(problems).toEqual([]);
  expect(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await page.locator('img').count()).toBe(0);
  // Only the document itself: no script, image or stylesheet was fetched, from disk or anywhere.
  expect(requests).toEqual([`file://${html}`]);
}

describe('the report in Chromium', () => {
  it('scenarios: no errors, every chart drawn, tables equal summary.json, hostile text stays text', async () => {
    const { html, summary } = await written('scenarios', scenariosModel(true));
    const { page, problems, requests } = await openReport(browser(), html);
    try {
      await expectNothingRan(page, problems, requests, html);
      expect(await page.locator('header h1').textContent()).toBe(summary.title);
      expect(await page.locator('header code').textContent()).toBe(summary.source);
      expect(await expectChartsDrawn(page)).toBe(await page.locator('figure.chart').count());

      const capacity = summary.scenarios[0]!;
      const scope = '#scenario-capacity';
      const smoke = await readTable(page, scope, 'smoke');
      expect(smoke.map((r) => r[0]!.text)).toEqual(capacity.configurations.map((c) => c.name));
      expect(smoke[2]![0]!.text).toBe(`nginx${XSS.img}`);
      expect(smoke.map((r) => r[1]!.value)).toEqual(capacity.configurations.map((c) => c.smoke!.state));

      const stats = await readTable(page, scope, 'stats');
      capacity.configurations.forEach((c, i) => {
        const s = c.phases[0]!.stats;
        const row = stats[i]!;
        expectShown(row[3], s.requests, 'count');
        expectShown(row[4], s.offeredRate, 'req/s');
        expectShown(row[5], s.achievedRate, 'req/s');
        [s.latency!.p50, s.latency!.p90, s.latency!.p99, s.latency!.p999, s.latency!.max, s.rawLatency.p99].forEach((v, k) => expectShown(row[6 + k], v, 'ms'));
        expectShown(row[12], s.statuses['503'] ?? 0, 'count');
      });

      const thresholds = await readTable(page, scope, 'thresholds');
      capacity.thresholds.forEach((t, i) => {
        expectShown(thresholds[i]![5], t.actual as number, t.unit);
        expect(thresholds[i]![6]!.value).toBe(t.pass);
      });

      const knee = await readTable(page, scope, 'knee');
      capacity.configurations.forEach((c, i) => {
        expectShown(knee[i]![3], c.phases[0]!.knee!.kneeRate, 'req/s');
        expectShown(knee[i]![4], c.phases[0]!.knee!.breakRate, 'req/s');
      });

      const validity = await readTable(page, scope, 'validity');
      capacity.configurations.forEach((c, i) => {
        const v = c.phases[0]!.validity;
        expect(validity[i]![3]!.value).toBe(v.valid);
        expectShown(validity[i]![4], v.scheduleLag.p50, 'ms');
        expectShown(validity[i]![5], v.scheduleLag.p99, 'ms');
        expectShown(validity[i]![7], v.dropped, 'count');
      });

      const ab = summary.scenarios[2]!;
      const cmp = await readTable(page, '#scenario-a-b', 'comparisons');
      ab.comparisons.forEach((c, i) => {
        expect(cmp[i]![2]!.value).toBe(c.a.value);
        expect(cmp[i]![2]!.text).toBe(`${c.a.configuration}: ${withUnit(c.a.value, c.unit)}`);
        expect(cmp[i]![3]!.value).toBe(c.b.value);
        expect(cmp[i]![4]!.value).toBe(c.difference);
        expect(cmp[i]![5]!.value).toBe(`${c.ci.low},${c.ci.high}`);
        expect(cmp[i]![7]!.value).toBe(c.verdict);
      });

      const mix = await readTable(page, '#scenario-a-b', 'endpoints');
      const firstRuns = ab.configurations.map((c) => c.phases[0]!);
      expect(mix.map((r) => r[1]!.value)).toEqual(firstRuns.flatMap((p) => p.stats.endpoints.map((e) => e.endpoint)));
      firstRuns.flatMap((p) => p.stats.endpoints).forEach((e, i) => {
        expectShown(mix[i]![2], e.requests, 'count');
        expectShown(mix[i]![5], e.latency!.p99, 'ms');
      });

      const maintenance = await readTable(page, '#scenario-maintenance', 'smoke');
      expect(maintenance[0]![1]!.text).toBe('in-maintenance');
      expect(maintenance[0]![4]!.text).toContain('render-page /render: HTTP 503: in maintenance');
      expect(await page.locator('[data-card="verdict"] .badge').textContent()).toBe(summary.verdict);
      expect(await page.locator('[data-card="exit-code"] .v').textContent()).toBe(String(summary.exitCode));
    } finally {
      await page.close();
    }
  });

  it('replay: targets, status mix and differences equal summary.json; hostile text stays text', async () => {
    const { html, summary } = await written('replay', replayModel(true));
    const { page, problems, requests } = await openReport(browser(), html);
    try {
      await expectNothingRan(page, problems, requests, html);
      await expectChartsDrawn(page);
      const r = summary.replay!;
      const targets = await readTable(page, '#replay', 'targets');
      r.summary.targets.forEach((t, i) => {
        expect(targets[i]![0]!.value).toBe(t.url);
        expect(targets[i]![0]!.text).toBe(`${t.url} ${t.role}`);
        expectShown(targets[i]![1], t.requests, 'count');
        expectShown(targets[i]![6], t.latency.p99, 'ms');
        expectShown(targets[i]![10], t.scheduleLag.p99, 'ms');
        expect(targets[i]![13]!.text).toBe(`200\u00a0×${t.statuses['200']!.toLocaleString('en-US')}`);
      });
      const diffs = await readTable(page, '#replay', 'differences');
      expect(diffs).toHaveLength(r.differences.length);
      expect(diffs.map((d) => d[4]!.value)).toEqual([false, true]); // regressions first, noise after
      expect(diffs[0]![5]!.text).toContain(`→ ${JSON.stringify(XSS.img)}`);
      expect(diffs[1]![2]!.text).toBe(r.differences[1]!.field);
      expect(await page.locator('[data-field="input"]').textContent()).toBe('1,620 exchanges read, 2 malformed skipped, 18 filtered out.');
      const endpoints = await readTable(page, '#replay', 'endpoints');
      expect(endpoints[0]![1]!.text).toBe(r.summary.targets[0]!.endpoints[0]!.endpoint);
    } finally {
      await page.close();
    }
  });
});
