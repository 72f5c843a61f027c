import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ReportModel } from '../../src/report/model.js';
import { writeReport } from '../../src/report/write.js';
import { openReport, useBrowser } from '../helpers/report-browser.js';
import { comparedModel } from '../../src/report/compare/model.js';
import { compareSides } from '../../src/scenarios/compare.js';
import { abScenario, replayModel, scenariosModel } from '../helpers/report-models.js';
import { tempDir } from '../helpers/tmp.js';

const browser = useBrowser();
const dir = tempDir('shadowtap-report-screens-');
/**
 * Screenshots are for a person to look at (SHADOWTAP_SCREENSHOTS=dir keeps them); no assertion reads
 * them, and full-page captures were ~40 % of this file's time (median 16.8 s with, 10.3 s without).
 */
const shots = process.env.SHADOWTAP_SCREENSHOTS;
if (shots) mkdirSync(shots, { recursive: true });

async function opened(name: string, model: ReportModel, width: number) {
  const { html } = await writeReport(join(dir, name), model);
  const r = await openReport(browser(), html, { width, height: 900 });
  if (shots) await r.page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
  return r;
}

/** Tables whose content is wider than their box (a sideways scroll). */
const overflowing = (page: Page): Promise<string[]> => page.$$eval('.table-wrap', (ws) => ws.filter((w) => w.scrollWidth > w.clientWidth + 1).map((w) => w.querySelector('table')?.getAttribute('data-table') ?? '?'));

/** Pairs of marker labels inside one chart whose boxes intersect. */
const overlappingLabels = (page: Page): Promise<string[]> => page.$$eval('figure.chart', (figs) => figs.flatMap((f) => {
  const boxes = [...f.querySelectorAll('.mk-label')].map((e) => ({ t: e.textContent ?? '', r: e.getBoundingClientRect() }));
  return boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom).map((b) => `${a.t} × ${b.t}`));
}));

describe('the report at 1400 and 800 px', () => {
  it('scenarios at 1400 px: no sideways scroll, charts drawn, knee labels apart, no console error or CSP violation', async () => {
    const { page, problems, requests } = await opened('scenarios', scenariosModel(), 1400);
    try {
      expect(problems).toEqual([]);
      expect(requests).toHaveLength(1);
      expect(await page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp)).toEqual([]);
      expect(await overflowing(page)).toEqual([]);
      const figures = await page.locator('figure.chart[data-chart]').count();
      expect(figures).toBeGreaterThan(10);
      expect(await page.locator('figure.chart[data-chart] canvas').count()).toBe(figures);
      expect(await page.locator('#scenario-capacity .mk-label', { hasText: 'knee' }).count()).toBeGreaterThanOrEqual(3);
      expect(await overlappingLabels(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('hover reads values, drag zooms, a legend click hides a series', async () => {
    const { page, problems } = await opened('interact', scenariosModel(), 1400);
    try {
      const fig = page.locator('figure.chart[data-chart]').first();
      await fig.scrollIntoViewIfNeeded();
      const value = fig.locator('.u-legend .u-series').nth(1).locator('.u-value');
      const before = await value.textContent();
      const box = (await fig.locator('.u-over').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
      await expect.poll(() => value.textContent()).toMatch(/^[\d.,]+ (ms|s)$/);
      expect(await value.textContent()).not.toBe(before);

      // Zoomed in, the same spot on the plot is an earlier time: the hover legend's x value says so.
      const xValue = fig.locator('.u-legend .u-series').first().locator('.u-value');
      const atCentre = await xValue.textContent();
      await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5, { steps: 5 });
      await page.mouse.up();
      await page.mouse.move(box.x + box.width * 0.5 + 1, box.y + box.height * 0.5);
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
      await expect.poll(() => xValue.textContent()).not.toBe(atCentre);
      expect(parseFloat((await xValue.textContent())!)).toBeLessThan(parseFloat(atCentre!));

      const entry = fig.locator('.u-legend .u-series').nth(1);
      await entry.locator('th').click();
      await expect.poll(() => entry.getAttribute('class')).toContain('u-off');
      await entry.locator('th').click();
      await expect.poll(() => entry.getAttribute('class')).not.toContain('u-off');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('replay at 1400 px: the targets table fits; at 800 px the page still draws every chart', async () => {
    const wide = await opened('replay', replayModel(), 1400);
    try {
      expect(wide.problems).toEqual([]);
      expect(await overflowing(wide.page)).toEqual([]);
    } finally {
      await wide.page.close();
    }
    for (const [name, model] of [['scenarios', scenariosModel()], ['replay', replayModel()]] as const) {
      const narrow = await opened(name, model, 800);
      try {
        expect(narrow.problems).toEqual([]);
        const widths = await narrow.page.$$eval('figure.chart[data-chart]', (fs) => fs.map((f) => [f.getBoundingClientRect().width, f.querySelector('canvas')?.getBoundingClientRect().width ?? 0]));
        for (const [fig, canvas] of widths) expect(canvas).toBeLessThanOrEqual(fig!);
        // The page itself never scrolls sideways; a wide table scrolls inside its own box.
        expect(await narrow.page.$eval('html', (h) => h.scrollWidth <= h.clientWidth)).toBe(true);
      } finally {
        await narrow.page.close();
      }
    }
  });

  it('two runs side by side at 1400 px: the comparisons fit, every chart drawn', async () => {
    const today = scenariosModel();
    today.scenarios[2]!.configurations[0]!.phases = abScenario().configurations[1]!.phases;
    const model = comparedModel({ file: 'yesterday/summary.json', model: scenariosModel() }, { file: 'today/summary.json', model: today }, compareSides);
    const { page, problems } = await opened('compare', model, 1400);
    try {
      expect(problems).toEqual([]);
      expect(await overflowing(page)).toEqual([]);
      expect(await page.locator('#scenario-a-b table[data-table="comparisons"] tbody tr').count()).toBe(8);
      const figures = await page.locator('figure.chart[data-chart]').count();
      expect(await page.locator('figure.chart[data-chart] canvas').count()).toBe(figures);
      expect(await overlappingLabels(page)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
