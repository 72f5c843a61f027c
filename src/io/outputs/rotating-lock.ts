import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { madeDir } from '../made-dir.js';

/**
 * Who writes the capture files of one prefix in a directory. Recovery renames every `.partial.jsonl` it
 * finds and the disk cap deletes finished files: done by a second process on a directory the first
 * still writes, they take its live file away. So the files are owned first, by a lock file created
 * exclusively (`wx`) holding the owner's pid; one whose owner is gone (kill -9, power loss) is stale and
 * taken over, so a restart after a crash still recovers. Two prefixes in one directory never touch each
 * other's files, so each has its own lock.
 */
export class DirBusy extends InputError {}

/** Locks held by this process: removed at exit whatever the way out, so only a crash leaves one behind. */
const held = new Set<string>();
let exitHooked = false;

/** An owner's lock younger than this may still be being written (created, not yet filled). */
const FILLING_MS = 5000;

export const lockName = (prefix: string): string => `.${prefix}.lock`;

interface Owner {
  pid: number;
  /** When the kernel started it (Linux): a pid reused by another process (a reboot, a new container) is not the owner. */
  start?: string;
}

function startOf(pid: number): string | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 of stat; the command name before it (in parentheses) may hold spaces.
    return line.slice(line.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(o: Owner, path: string): boolean {
  // Our own pid and not held here: a former process with the same pid (an agent restarted as a container's pid 1).
  if (o.pid === process.pid) return held.has(path);
  try {
    process.kill(o.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false; // EPERM: alive, another user's
  }
  const start = startOf(o.pid);
  return o.start === undefined || start === undefined || start === o.start;
}

/** The owner named by the lock at `path`; 'gone' once it was removed meanwhile, 'filling' while its owner is still writing it. */
async function ownerOf(path: string): Promise<Owner | 'gone' | 'filling' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const o = JSON.parse(text) as Owner;
    if (Number.isInteger(o.pid) && o.pid > 0) return o;
  } catch {
    // below
  }
  const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => Infinity);
  return age < FILLING_MS ? 'filling' : 'unreadable';
}

export class DirLock {
  private constructor(
    readonly path: string,
    private readonly content: string,
  ) {}

  /** Takes the capture files of `prefix` in `dir` (creating `dir`); DirBusy names the live owner. */
  static async take(dir: string, prefix: string): Promise<DirLock> {
    await madeDir(dir);
    const path = join(dir, lockName(prefix));
    const content = `${JSON.stringify({ pid: process.pid, start: startOf(process.pid) })}\n`;
    // Bounded: each turn either takes the lock, finds a live owner, or removes one stale lock.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await create(path, content)) {
        held.add(path);
        if (!exitHooked) process.once('exit', releaseAllSync);
        exitHooked = true;
        return new DirLock(path, content);
      }
      const owner = await ownerOf(path);
      if (owner === 'gone') continue;
      if (owner === 'filling') throw new DirBusy(`${dir}: another shadowtap is taking it right now (${path}); only one process may write ${prefix}-* capture files there`);
      if (owner !== 'unreadable' && alive(owner, path)) {
        throw new DirBusy(`${dir}: in use by shadowtap pid ${owner.pid}, which writes its ${prefix}-* capture files there (lock ${path}); stop that process, or write to another directory`);
      }
      await unlink(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    throw new DirBusy(`${dir}: could not take ${path}: other processes keep taking it`);
  }

  /** Removes the lock if it is still this one's (a stale-lock takeover by another process is not undone). */
  async release(): Promise<void> {
    if (!held.delete(this.path)) return;
    const now = await readFile(this.path, 'utf8').catch(() => undefined);
    if (now === this.content) await unlink(this.path).catch(() => undefined);
  }
}

/** Creates the lock with its content; false when one exists. A lock that cannot be filled (full disk) is removed. */
async function create(path: string, content: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await fh.writeFile(content);
    await fh.close();
    return true;
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw err;
  }
}

function releaseAllSync(): void {
  for (const path of held) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
  held.clear();
}
