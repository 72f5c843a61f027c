import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './html/page.js';
import type { ReportModel } from './model.js';

/**
 * Write DIR/index.html (self-contained, opens from disk) and DIR/summary.json (the model itself,
 * schema "shadowtap-report/1", see model.ts). Returns both paths.
 */
export async function writeReport(dir: string, model: ReportModel): Promise<{ html: string; summary: string }> {
  await mkdir(dir, { recursive: true });
  const html = join(dir, 'index.html');
  const summary = join(dir, 'summary.json');
  await writeFile(summary, `${JSON.stringify(model, null, 2)}\n`);
  await writeFile(html, renderHtml(model));
  return { html, summary };
}
