import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * uPlot (MIT, ~50 kB), read from its package and inlined into every report so the page stays one
 * file that opens offline: no CDN, no second file next to index.html. Read once per process.
 */
let cached: { js: string; css: string } | undefined;

export function uplotAssets(): { js: string; css: string } {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const read = (file: string): string => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
    // "</script" cannot occur in the minified bundle today; if a release ever carried it, the page would break: refuse.
    const js = read('uPlot.iife.min.js');
    if (/<\/script/i.test(js)) throw new Error('uPlot bundle contains "</script": cannot be inlined');
    cached = { js, css: read('uPlot.min.css') };
  }
  return cached;
}
