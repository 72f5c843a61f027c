#!/usr/bin/env node
// First: the cache covers what loads after it, and everything heavy below is a dynamic import.
import './compile-cache.js';
import { exitCodeOf } from '../errors.js';
import { printable } from '../printable.js';
import { readSettings } from '../config/settings.js';
import { tuneV8 } from './v8-tuning.js';

// `shadowtap cat FILE | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

async function run(argv: string[]): Promise<void> {
  // Every SHADOWTAP_* variable is read here, once, and passed down (config/settings.ts lists them).
  const settings = readSettings();
  // A setting equal to its module's default is not applied, so a command that neither paces nor
  // redacts loads neither module (the key's node:crypto is ~5 ms of `--version`).
  if (settings.spinUs !== undefined) (await import('../replay/pacer.js')).setSpinUs(settings.spinUs);
  if (settings.redactKey !== undefined) (await import('../stages/redact/key.js')).setProcessKey(settings.redactKey);
  if (settings.extraCaCerts !== undefined) (await import('../replay/dispatch/extra-ca.js')).setExtraCaFile(settings.extraCaCerts);
  const cli = await import('./yargs-cli.js');
  // After the parser has loaded (a flag change makes V8 reject node's cached code of what loads next),
  // before any command's modules do (they are what the tuning is for).
  if (settings.v8Tuning) await tuneV8();
  await cli.parseWithYargs(argv);
}

try {
  await run(process.argv.slice(2));
} catch (err) {
  const code = exitCodeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const known = err instanceof Error && (err.name === 'InputError' || err.name === 'InvalidRunError');
  // Messages quote input (a header, a line, a target's answer): printed without control sequences.
  process.stderr.write(`shadowtap: ${printable(message)}\n`);
  if (!known && readSettings().debug) process.stderr.write(`${(err as Error).stack}\n`);
  process.exitCode = code;
}
