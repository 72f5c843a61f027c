import { Buffer } from 'node:buffer';
import { readdir, stat, unlink, rename, open, truncate } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { join } from 'node:path';
import { CAPTURE_GZIP_LEVEL } from '../../formats/capture-file.js';

/**
 * Naming of the agent's capture files. The file being written is `<prefix>-<UTC stamp>-<seq>.partial.jsonl`
 * (plain JSONL, so a crash leaves every complete line readable); when rotated it becomes
 * `<prefix>-<stamp>-<seq>.jsonl[.gz]` by an atomic rename, so a finished name always means a whole file.
 * Stamps sort by time, which is what oldest-first deletion relies on.
 */
export function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export const partialName = (prefix: string, st: string, seq: number): string => `${prefix}-${st}-${String(seq).padStart(6, '0')}.partial.jsonl`;

export function finalName(partial: string, gzip: boolean): string {
  return partial.replace(/\.partial\.jsonl$/, gzip ? '.jsonl.gz' : '.jsonl');
}

export interface FileInfo {
  name: string;
  size: number;
}

/** Finished capture files of `prefix` in `dir`, oldest first. */
export async function finishedFiles(dir: string, prefix: string): Promise<FileInfo[]> {
  const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{8}T\\d{6}Z-\\d{6}\\.jsonl(\\.gz)?$`);
  const names = (await readdir(dir)).filter((n) => re.test(n)).sort();
  const out: FileInfo[] = [];
  for (const name of names) {
    try {
      out.push({ name, size: (await stat(join(dir, name))).size });
    } catch {
      // deleted meanwhile
    }
  }
  return out;
}

/** Deletes the oldest finished files until they and `extraBytes` fit in `maxTotalBytes`; returns the names deleted. */
export async function enforceCap(dir: string, prefix: string, maxTotalBytes: number, extraBytes: number): Promise<string[]> {
  const files = await finishedFiles(dir, prefix);
  let total = extraBytes + files.reduce((a, f) => a + f.size, 0);
  const deleted: string[] = [];
  for (const f of files) {
    if (total <= maxTotalBytes) break;
    await unlink(join(dir, f.name)).catch(() => undefined);
    total -= f.size;
    deleted.push(f.name);
  }
  return deleted;
}

/**
 * Turns a finished partial file into its final name: gzip to a temporary name, fsync, rename, delete the
 * plain one. If compression fails (disk full), the plain file is renamed instead: data is never lost to it.
 */
export async function finalize(dir: string, partial: string, gzip: boolean): Promise<string> {
  const from = join(dir, partial);
  if (gzip) {
    const to = join(dir, finalName(partial, true));
    const tmp = `${to}.tmp`;
    try {
      await pipeline(createReadStream(from), createGzip({ level: CAPTURE_GZIP_LEVEL }), createWriteStream(tmp, { mode: 0o600 }));
      const fh = await open(tmp, 'r+');
      await fh.sync().finally(() => fh.close());
      await rename(tmp, to);
      await unlink(from);
      return to;
    } catch {
      await unlink(tmp).catch(() => undefined);
    }
  }
  const to = join(dir, finalName(partial, false));
  await rename(from, to);
  return to;
}

/**
 * Partial files left by a crash (kill -9, power loss): cut each back to its last complete line and
 * finalize it, so that after a restart every finished name again means a whole file.
 */
export async function recoverPartials(dir: string, prefix: string, gzip: boolean): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith(`${prefix}-`) && n.endsWith('.partial.jsonl')).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const end = await lastNewlineEnd(path);
    if (end === 0) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    await truncate(path, end);
    out.push(await finalize(dir, name, gzip));
  }
  return out;
}

/** Offset just past the last newline of a file (0 when it has none). Reads backwards in 64 KiB steps. */
async function lastNewlineEnd(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(65536);
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - buf.length);
      const { bytesRead } = await fh.read(buf, 0, end - start, start);
      const i = buf.subarray(0, bytesRead).lastIndexOf(10);
      if (i >= 0) return start + i + 1;
      end = start;
    }
    return 0;
  } finally {
    await fh.close();
  }
}
