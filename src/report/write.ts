import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateFile } from '../formats/private-file.js';
import { renderHtml } from './html/page.js';
import type { ReportModel } from './model.js';

/**
 * Write DIR/index.html (self-contained, opens from disk) and DIR/summary.json (the model itself,
 * schema "shadowtap-report/1", see model.ts). Returns both paths. Both quote captured paths, targets
 * and answers, so they are written like capture files: mode 0600 (and DIR 0700 when created here).
 */
export async function writeReport(dir: string, model: ReportModel): Promise<{ html: string; summary: string }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const html = join(dir, 'index.html');
  const summary = join(dir, 'summary.json');
  await writePrivateFile(summary, `${JSON.stringify(model, null, 2)}\n`);
  await writePrivateFile(html, renderHtml(model));
  return { html, summary };
}
