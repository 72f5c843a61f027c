import { createHash } from 'node:crypto';
import { CHART_SCRIPT } from './chart-script.js';
import { uplotAssets } from './uplot.js';

const hash = (s: string): string => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

/** The page's two scripts, in order: uPlot, then the script that draws the charts with it. */
export function scripts(): string[] {
  return [uplotAssets().js, CHART_SCRIPT];
}

/**
 * No fetch, no frame, no external anything: the report works offline and leaks nothing when opened.
 * Scripts run only by their hashes, so an injected <script> or on* attribute could not run even if
 * escaping failed. Styles may be inline: uPlot sizes its canvas and legend through element styles.
 */
export function csp(): string {
  return `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${scripts().map(hash).join(' ')}; base-uri 'none'; form-action 'none'`;
}
