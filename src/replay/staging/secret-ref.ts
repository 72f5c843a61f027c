import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../errors.js';

/**
 * Staging secrets are named, never given: `env:NAME` (an environment variable) or `file:PATH` (a file's
 * contents, trailing newline removed). A literal value on the command line would show in `ps` and in
 * shell history, so a flag that takes a secret accepts only a reference.
 */
export function isSecretRef(v: string): boolean {
  return /^(env|file):./.test(v);
}

/** The secret a reference names; `where` says which flag or file field it came from (exit 2 when it cannot be read). */
export function readSecret(ref: string, where: string, baseDir = process.cwd()): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const v = process.env[name];
    if (v === undefined || v === '') throw new InputError(`${where}: environment variable ${name} is not set`);
    return v;
  }
  if (ref.startsWith('file:')) {
    const path = resolve(baseDir, ref.slice(5));
    try {
      return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new InputError(`${where}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  throw new InputError(`${where}: expected env:NAME or file:PATH`);
}

/** A secret from a command-line flag: only a reference; a literal is refused without being echoed. */
export function secretFromFlag(v: string, flag: string): string {
  if (!isSecretRef(v)) throw new InputError(`${flag}: secrets are not taken from the command line (they show in ps and shell history); give env:NAME or file:PATH`);
  return readSecret(v, flag);
}

/** A value in a staging file: a reference is resolved (relative to the file); anything else is the value itself (the file is the secret store). */
export function secretFromFile(v: string, where: string, baseDir: string): string {
  return isSecretRef(v) ? readSecret(v, where, baseDir) : v;
}
