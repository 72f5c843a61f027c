import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { platformShim, printableFirst } from '../../src/cli/yargs-factory.js';

/** yargs' own Node shim (not exported by its package: read by path, as src/cli/yargs-factory.ts reads its factory). */
async function yargsOwnShim(): Promise<Record<string, unknown>> {
  const yargsDir = dirname(createRequire(import.meta.url).resolve('yargs'));
  return ((await import(pathToFileURL(join(yargsDir, 'lib/platform-shims/esm.mjs')).href)) as { default: Record<string, unknown> }).default;
}

/** Each member's name and type, one level into the plain objects (assert, path, process, y18n). */
function shape(shim: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(shim)) {
    out[k] = v === null ? 'null' : typeof v;
    if (v !== null && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) out[`${k}.${k2}`] = v2 === null ? 'null' : typeof v2;
  }
  return out;
}

describe("yargs-factory's platform shim", () => {
  it("has the members, of the same types, as the installed yargs' own, and they answer alike (a yargs update that changes the shim fails here)", async () => {
    // One after the other: on Node 22, require(esm) of a module that a concurrent import() is still
    // loading throws ("not yet fully loaded").
    const ours = await platformShim();
    const theirs = await yargsOwnShim();
    expect(shape(ours)).toEqual(shape(theirs));
    expect(ours.mainFilename).toBe(theirs.mainFilename);
    type Y18n = { __: (s: string) => string };
    expect((ours.y18n as Y18n).__('Show help')).toBe((theirs.y18n as Y18n).__('Show help'));
    const width = (s: Record<string, unknown>, text: string): number => (s.stringWidth as (t: string) => number)(text);
    for (const text of ['plain', 'wide 漢字', 'emoji 👍🏽', '\u001b[1mbold\u001b[22m']) expect(width(ours, text), text).toBe(width(theirs, text));
    const draw = (s: Record<string, unknown>): string => {
      const ui = (s.cliui as (o: object) => { div: (...c: object[]) => void; toString: () => string })({ width: 40 });
      ui.div({ text: '--speed', width: 12 }, { text: 'replay speed, 0 for as fast as the targets answer' });
      return ui.toString();
    };
    expect(draw(ours)).toBe(draw(theirs));
    const parse = (s: Record<string, unknown>): unknown => (s.Parser as (a: string[]) => unknown)(['--a', '1', 'b']);
    expect(parse(ours)).toEqual(parse(theirs));
  });

  it('printableFirst(string-width) measures every string as string-width does (its shortcut for printable ASCII included)', () => {
    const stringWidth = (createRequire(import.meta.url)('string-width') as { default: (t: string) => number }).default;
    const fast = printableFirst(stringWidth);
    const pieces = fc.constantFrom('a', ' ', '~', '\x7f', '\t', '\u001b[1m', '\u001b[22m', 'é', '漢', '👍🏽', '\u200b', '\u0301');
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(pieces).map((p) => p.join(''))), (text) => fast(text) === stringWidth(text)), { numRuns: 2000 });
  });
});
