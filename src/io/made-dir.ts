import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * `mkdir -p` with mode 0700 (what is written there comes from captured traffic), one level at a time
 * rather than `mkdir({ recursive: true })`: Node 20's recursive mkdir spins at full CPU for ever under
 * a parent that refuses children (/proc), and answers ENOENT, not EROFS, on a read-only filesystem.
 * Bounded by the path's depth. A path that exists and is not a directory is ENOTDIR.
 */
export async function madeDir(dir: string): Promise<void> {
  const st = await stat(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
  if (st) {
    if (!st.isDirectory()) throw Object.assign(new Error(`${dir}: not a directory`), { code: 'ENOTDIR' });
    return;
  }
  const parent = dirname(dir);
  if (parent !== dir) await madeDir(parent);
  await mkdir(dir, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}
