import { Buffer } from 'node:buffer';
import { createWriteStream, fchmodSync, openSync, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { open } from 'node:fs/promises';

/*
 * Captured traffic and what is derived from it may hold secrets: every file shadowtap writes from it is
 * mode 0600. The mode argument of open() applies only when a file is created, so an existing file is
 * chmod-ed through the same descriptor before the first byte is written.
 */

/** A write stream on a 0600 file, opened synchronously so the file exists before anything is queued. */
export function privateWriteStream(path: string, highWaterMark?: number): WriteStream {
  const fd = openSync(path, 'w', 0o600);
  fchmodSync(fd, 0o600);
  return createWriteStream('', { fd, ...(highWaterMark ? { highWaterMark } : {}) });
}

/** Writes a whole 0600 file. */
export async function writePrivateFile(path: string, data: string): Promise<void> {
  const fh = await open(path, 'w', 0o600);
  try {
    await fh.chmod(0o600);
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
}

/**
 * Resolves once everything written to `out` so far has been handed on (to the OS, for a file stream):
 * writes complete in order, so the callback of an empty one comes after every earlier write's.
 */
export function writtenSoFar(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => out.write(Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
}
