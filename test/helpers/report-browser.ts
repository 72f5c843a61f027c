import { chromium, type Browser, type Page } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

/** One headless Chromium for a test file, closed after it. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('browser not started');
    return browser;
  };
}

/** A page opened from disk, recording everything that would mean the report misbehaved. */
export async function openReport(browser: Browser, htmlPath: string, viewport = { width: 1300, height: 900 }): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport });
  // CSP violations as the page sees them (Chromium also logs them as console errors).
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as unknown as { __csp: string[] }).__csp = seen;
    (globalThis as unknown as { addEventListener(t: string, f: (e: { violatedDirective: string }) => void): void }).addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
  });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
  return { page, problems, requests };
}

export interface CellRead {
  text: string;
  value: unknown;
}

/** The body rows of the table named `name` (data-table) inside `scope`, each cell's text and data-value. */
export async function readTable(page: Page, scope: string, name: string): Promise<CellRead[][]> {
  return page.$$eval(`${scope} table[data-table="${name}"] tbody tr`, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => ({
      text: (td.textContent ?? '').trim(),
      value: td.hasAttribute('data-value') ? JSON.parse(td.getAttribute('data-value') ?? 'null') : undefined,
    }))));
}

/** A number as displayed ("1,234 ms", "12.3 s", "1.5 %", "60.4 req/s"), back in the model's unit. */
export function shownNumber(text: string): number {
  const m = text.replace(/,/g, '').match(/^[+−-]?[\d.]+/);
  if (!m) throw new Error(`no number in "${text}"`);
  const v = Number(m[0].replace('−', '-'));
  if (/\d s$/.test(text)) return v * 1000;
  if (text.endsWith('%')) return v / 100;
  return v;
}
