import { commands } from './commands/index.js';
import { loadYargs } from './yargs-factory.js';
import { VERSION } from '../version.js';

/** The whole CLI: every command, help, validation, suggestions. */
export async function parseWithYargs(argv: string[]): Promise<void> {
  const yargs = await loadYargs();
  const cli = yargs(argv)
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
      process.stderr.write(`shadowtap: ${msg}\nRun with --help for usage.\n`);
      process.exit(2);
    });
  // A command's file loads in its builder, which yargs runs only for the command given.
  for (const c of commands) cli.command({ command: c.command, describe: c.describe, builder: async (y) => (await c.load()).builder(y), handler: async (args) => (await c.load()).handler(args) });
  skipHelpCache(cli);
  await cli.parseAsync();
}

/**
 * yargs renders the running command's whole help text before its handler starts, so that a failing
 * handler can print usage. Ours never does (fail() above rethrows handler errors), and that rendering
 * (string-width over every option) was ~70 ms of `replay`'s start-up. --help renders as before.
 */
function skipHelpCache(cli: object): void {
  const usage = (cli as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
}
