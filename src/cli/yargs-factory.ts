import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type yargsDefault from 'yargs';

/**
 * yargs, made by its own factory with its Node platform shim's members, except that the help renderer
 * (cliui, string-width) loads when help is first drawn. yargs' `index.mjs` imports them up front, and
 * their module top levels (a `\p{RGI_Emoji}` regex, an `Intl.Segmenter`, two copies of string-width)
 * were ~50 of the ~75 ms yargs added to every command's start-up, though only --help draws anything
 * (the CLI's fail() prints a message, not the usage; yargs-cli.ts skips the help cache).
 *
 * yargs exports no factory and no way to defer them (its package exports `.`, `./helpers` and
 * `./browser`, whose shim imports cliui from unpkg.com), so its unexported factory is read by path. The
 * shim's shape is yargs' `lib/platform-shims/esm.mjs` (18.x): the same functions, taken from the same
 * packages as yargs resolves them. `test/cli/yargs-shim.test.ts` holds it to the installed yargs' own
 * shim (an update that changes the shim fails there); `test/cli/help.test.ts` draws every help through it.
 */
export type Yargs = typeof yargsDefault;

const require = createRequire(import.meta.url);
const yargsIndex = require.resolve('yargs');
const yargsDir = dirname(yargsIndex);
/** Resolves as yargs does, so its own copies (nested under it) are the ones used. */
const fromYargs = createRequire(yargsIndex);

/** The help renderer, require()d when help is drawn (ESM packages: require(esm), Node ≥ 20.19 as package.json's engines). */
let cliui: ((opts: object) => unknown) | undefined;
let stringWidth: ((text: string) => number) | undefined;
/** node:assert (~3 ms to load): yargs asserts only on some paths. */
let assert: typeof import('node:assert') | undefined;
const asserted = (): typeof import('node:assert') => (assert ??= require('node:assert') as typeof import('node:assert'));

/**
 * cliui as its `index.mjs` makes it (its core and the same three packages, resolved from cliui), except
 * that a line of printable ASCII, which is all our help text, is measured by its length. string-width
 * segments every string it is given (Intl.Segmenter, an emoji regex): ~70 ms of `capture --help`.
 */
function helpLayout(): (opts: object) => unknown {
  const index = fromYargs.resolve('cliui');
  const fromCliui = createRequire(index);
  const { cliui: core } = fromCliui(join(dirname(index), 'build/lib/index.js')) as { cliui: (opts: object, mixin: object) => unknown };
  const mixin = {
    stringWidth: printableFirst((fromCliui('string-width') as { default: (text: string) => number }).default),
    stripAnsi: (fromCliui('strip-ansi') as { default: (text: string) => string }).default,
    wrap: (fromCliui('wrap-ansi') as { default: (text: string, columns: number, opts?: object) => string }).default,
  };
  return (opts: object) => core(opts, mixin);
}

/** Printable ASCII (no escape sequences, no wide or zero-width characters) is one column per character. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** `width`, answered without it for printable ASCII (exported for the test holding the two equal). */
export const printableFirst =
  (width: (text: string) => number) =>
  (text: string): number =>
    PRINTABLE_ASCII.test(text) ? text.length : width(text);

export async function loadYargs(): Promise<Yargs> {
  return (await bundle()).YargsFactory(await platformShim());
}

interface Bundle {
  YargsFactory: (shim: object) => Yargs;
  getProcessArgvBin: () => string;
  Parser: unknown;
}

/**
 * yargs' factory, its process-argv helper and its yargs-parser, as one module that `npm run build`
 * makes from the installed packages (scripts/bundle-yargs.mjs): loaded as their 22 ES modules they
 * were ~70M instructions of every start-up on Node 20, bundled ~12M. The path is the same from
 * src/cli (tests) and dist/cli: both are two levels under the package's root.
 */
const bundle = async (): Promise<Bundle> => (await import(new URL('../../dist/cli/yargs-bundle.js', import.meta.url).href)) as Bundle;

/** The platform shim handed to yargs' factory (exported for test/cli/yargs-shim.test.ts, which holds it to yargs' own). */
export async function platformShim(): Promise<Record<string, unknown>> {
  const { getProcessArgvBin, Parser } = await bundle();
  const getCallerFile = fromYargs('get-caller-file') as (position: number) => string;
  const y18n = fromYargs('y18n') as (opts: object) => unknown;
  const mainFilename = yargsIndex.substring(0, yargsIndex.lastIndexOf('node_modules'));
  return {
    assert: { notStrictEqual: (...a: [unknown, unknown, string?]) => asserted().notStrictEqual(...a), strictEqual: (...a: [unknown, unknown, string?]) => asserted().strictEqual(...a) },
    cliui: (opts: object) => (cliui ??= helpLayout())(opts),
    findUp: fromYargs('escalade/sync') as unknown,
    getEnv: (key: string) => process.env[key],
    inspect,
    getProcessArgvBin,
    mainFilename: mainFilename || process.cwd(),
    Parser,
    path: { basename, dirname, extname, relative, resolve, join },
    process: {
      argv: () => process.argv,
      cwd: process.cwd,
      emitWarning: (warning: string, type: string) => process.emitWarning(warning, type),
      execPath: () => process.execPath,
      exit: (code: number) => process.exit(code),
      nextTick: process.nextTick,
      stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null,
    },
    readFileSync,
    readdirSync,
    require: fromYargs,
    getCallerFile: () => {
      const callerFile = getCallerFile(3);
      return callerFile.startsWith('file://') ? fileURLToPath(callerFile) : callerFile;
    },
    stringWidth: (text: string) => (stringWidth ??= printableFirst((fromYargs('string-width') as { default: (text: string) => number }).default))(text),
    y18n: y18n({ directory: join(yargsDir, 'locales'), updateFiles: false }),
  };
}
