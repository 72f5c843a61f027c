import { commands } from './commands/index.js';
import { loadYargs } from './yargs-factory.js';
import { VERSION } from '../version.js';

/** The whole CLI: every command, help, validation, suggestions. */
export async function parseWithYargs(argv: string[]): Promise<void> {
  const yargs = await loadYargs();
  const cli = yargs(argv.map((a) => (a === '-' ? DASH : a)))
    .scriptName('shadowtap')
    .usage('$0 <command> [options]\n\nCapture HTTP traffic, replay it to shadow targets, compare configurations.')
    .strict()
    // Numbers are read by the unit grammar from what was typed (src/cli/options.ts), not by yargs.
    .parserConfiguration({ 'parse-numbers': false })
    .demandCommand(1, 'Name a command; see --help.')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(VERSION)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`shadowtap: ${unknownCommand(msg, argv) ?? msg.replaceAll(DASH, '-')}\nRun with --help for usage.\n`);
      process.exit(2);
    });
  // By the time it runs, the instance holds the command's own options (yargs resets it for the command
  // given); getOptions is the instance's, not in @types/yargs.
  const declared = cli as unknown as { getOptions: () => { array: string[] } };
  cli.middleware((argv) => asGiven(argv, new Set(declared.getOptions().array)), true);
  // A command's file loads in its builder, which yargs runs only for the command given.
  for (const c of commands) cli.command({ command: c.command, describe: c.describe, builder: async (y) => (await c.load()).builder(y), handler: async (args) => (await c.load()).handler(args) });
  skipHelpCache(cli);
  await cli.parseAsync();
}

/**
 * yargs answers an unknown command with its suggestion alone ("Did you mean cat?"), even for `ab` or
 * `-`: the message names what was typed first. A lone `-` is a file, so it is said where it goes.
 */
function unknownCommand(msg: string, argv: readonly string[]): string | undefined {
  const suggested = /^Did you mean (\S+)\?$/.exec(msg)?.[1];
  const given = argv.find((a) => a === '-' || !a.startsWith('-'));
  if (suggested === undefined || given === undefined) return undefined;
  if (given === '-') return 'unknown command -: name a command first, then - where it reads or writes a capture (cat -, convert - out.jsonl)';
  return `unknown command ${given} (did you mean ${suggested}?)`;
}

/**
 * A lone `-` (stdin or stdout) enters yargs as this token and is turned back before validation.
 * yargs-parser reads a `-` as an option without a name: it re-parses positionals as `--name value`
 * pairs, so `convert - out.jsonl` reached the handler with an empty input and a variadic positional
 * dropped it. No command line can hold a NUL, so the token cannot be typed.
 */
const DASH = '\0-';

/**
 * The values as typed, before validation: `-` back, and a single-value flag given twice is its last
 * value (yargs makes it an array, which reached `--read a --read b` as a path "a,b"). Flags declared
 * `array` keep every value, and so do `_` and `--` (what follows `--`, which yargs moves into `_` after
 * this step: drain's restart command). yargs also sets each flag under its camelCase name
 * (`setHeader` beside `set-header`), which `arrays` does not list. yargs runs this before any flag's
 * coerce step, so the typed flags (options.ts) see one value, as typed.
 */
function asGiven(argv: Record<string, unknown>, arrays: Set<string>): void {
  for (const [k, v] of Object.entries(argv)) {
    if (k === '_' || k === '--') continue;
    let x = Array.isArray(v) && !arrays.has(k) && !arrays.has(kebab(k)) ? (v[v.length - 1] as unknown) : v;
    if (x === DASH) x = '-';
    else if (Array.isArray(x) && x.includes(DASH)) x = x.map((e: unknown) => (e === DASH ? '-' : e));
    if (x !== v) argv[k] = x;
  }
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * yargs renders the running command's whole help text before its handler starts, so that a failing
 * handler can print usage. Ours never does (fail() above rethrows handler errors), and that rendering
 * (string-width over every option) was ~70 ms of `replay`'s start-up. --help renders as before.
 */
function skipHelpCache(cli: object): void {
  const usage = (cli as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
}
