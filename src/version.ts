import { readFileSync } from 'node:fs';

/**
 * shadowtap's version, from package.json (one place: HAR creators, reports and `--version` agree).
 * Both src/version.ts (tests) and dist/version.js (the CLI) sit one folder below package.json.
 */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
