#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { exitCodeOf } from '../errors.js';

// `shadowtap cat FILE | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const cli = yargs(hideBin(process.argv))
  .scriptName('shadowtap')
  .usage('$0 <command> [options]\n\nCapture HTTP traffic, replay it to shadow targets, compare configurations.')
  .strict()
  .demandCommand(1, 'Name a command; see --help.')
  .recommendCommands()
  .help()
  .alias('h', 'help')
  .version()
  .wrap(Math.min(110, process.stdout.columns || 100))
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`shadowtap: ${msg}\nRun with --help for usage.\n`);
    process.exit(2);
  });

for (const c of commands) cli.command(c);

try {
  await cli.parseAsync();
} catch (err) {
  const code = exitCodeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const known = err instanceof Error && (err.name === 'InputError' || err.name === 'InvalidRunError');
  process.stderr.write(`shadowtap: ${message}\n`);
  if (!known && process.env.SHADOWTAP_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = code;
}
