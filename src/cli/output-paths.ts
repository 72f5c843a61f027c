import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import { madeDir } from '../io/made-dir.js';

/** A path a command writes when its work is done, and the flag that named it. */
export interface OutputPath {
  flag: string;
  path: string | undefined;
  /** The path is a directory the command writes files into (`--out`), not a file. */
  dir?: boolean;
}

/**
 * Makes sure every output can be written before the work starts: a load test that ran for an hour must
 * not then lose its summary to a typo. Missing parent directories are made (mode 0700: what is written
 * there comes from captured traffic) for every output alike; a path that cannot be written is exit 2
 * naming its flag. Nothing is created at the path itself but `--out`'s directory.
 */
export async function checkOutputPaths(outputs: readonly OutputPath[]): Promise<void> {
  for (const o of outputs) {
    if (o.path === undefined) continue;
    try {
      if (o.dir) await writableDir(o.path);
      else await writableFile(o.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError(`${o.flag} ${o.path}: cannot write (${code ?? (err as Error).message})`);
    }
  }
}

async function writableFile(path: string): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (st?.isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
  if (st) return access(path, constants.W_OK);
  await writableDir(dirname(path));
}

async function writableDir(dir: string): Promise<void> {
  await madeDir(dir);
  await access(dir, constants.W_OK);
}
