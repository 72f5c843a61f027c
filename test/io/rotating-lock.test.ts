import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RotatingOptions } from '../../src/io/outputs/rotating.js';
import { DirBusy, lockName } from '../../src/io/outputs/rotating-lock.js';
import { newStats, readCaptureFile } from '../../src/formats/capture-file.js';
import { sampleExchange } from '../helpers/exchanges.js';
import { until } from '../helpers/agent-run.js';
import { tempDir } from '../helpers/tmp.js';
import { rotatingSink } from '../helpers/rotating-sink.js';

const root = tempDir('shadowtap-rotate-lock-');

/** Plain files and a small queue: what these tests read back is the live file itself. */
const sink = (dir: string, o: Partial<RotatingOptions> = {}): ReturnType<typeof rotatingSink> => rotatingSink(dir, { gzip: false, queueCapacity: 1000, ...o });

async function exchangesIn(dir: string): Promise<number> {
  let n = 0;
  for (const name of readdirSync(dir).filter((f) => !f.startsWith('.'))) {
    const st = newStats();
    for await (const _ of readCaptureFile(join(dir, name), {}, st)) n++;
  }
  return n;
}

/** The pid of a process that has exited (its lock is stale). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

describe('rotating files: one owner per directory and prefix', () => {
  it('refuses a second sink on a directory in use, naming the owner\'s pid, and leaves the owner\'s live file alone', async () => {
    const dir = join(root, 'busy');
    const first = sink(dir);
    await first.s.owned;
    void first.s.write([sampleExchange(0), sampleExchange(1)]);
    await until(() => first.s.counts.written === 2, 5000, 20);
    const live = join(dir, first.s.counts.currentFile!);
    const size = statSync(live).size;

    const second = sink(dir);
    const err = await second.s.owned.then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(DirBusy);
    expect(err!.message).toBe(`${dir}: in use by shadowtap pid ${process.pid}, which writes its cap-* capture files there (lock ${join(dir, lockName('cap'))}); stop that process, or write to another directory`);
    await expect(second.s.close()).rejects.toBe(err);
    // Not recovered, not renamed, not cut: the first sink goes on writing it.
    expect(statSync(live).size).toBe(size);
    void first.s.write([sampleExchange(2)]);
    await until(() => first.s.counts.written === 3, 5000, 20);
    await first.s.close();
    expect(await exchangesIn(dir)).toBe(3);
    // Released at close: the lock is gone, and the directory can be taken again.
    expect(existsSync(join(dir, lockName('cap')))).toBe(false);
    const third = sink(dir);
    await third.s.owned;
    await third.s.close();
  });

  it('another prefix in the same directory is another owner', async () => {
    const dir = join(root, 'prefixes');
    const a = sink(dir);
    const b = sink(dir, { prefix: 'other' });
    await Promise.all([a.s.owned, b.s.owned]);
    await Promise.all([a.s.close(), b.s.close()]);
  });

  it.each([
    ['a dead process (kill -9)', async () => ({ pid: await deadPid() })],
    ['this pid, not held here (a restart that got the same pid, as a container\'s pid 1 does)', () => Promise.resolve({ pid: process.pid })],
    ['a live pid started at another time (the pid was reused)', () => Promise.resolve({ pid: process.ppid, start: '1' })],
  ])('takes over a stale lock left by %s and recovers the partial file it left', async (_what, owner) => {
    const dir = join(root, `stale-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    writeFileSync(join(dir, lockName('cap')), JSON.stringify(await owner()));
    const header = JSON.stringify({ _shadowtap: { version: 1 } });
    writeFileSync(join(dir, 'cap-20250101T000000Z-000001.partial.jsonl'), `${header}\n`);
    const { s, logs } = sink(dir);
    await s.owned;
    await until(() => logs.some((m) => m.startsWith('recovered capture files')), 5000, 20);
    expect(readdirSync(dir).sort()).toEqual([lockName('cap'), 'cap-20250101T000000Z-000001.jsonl']);
    expect(JSON.parse(readFileSync(join(dir, lockName('cap')), 'utf8'))).toMatchObject({ pid: process.pid });
    await s.close();
  });

  it('a command (blocking mode) refuses a directory in use before it writes anything', async () => {
    const dir = join(root, 'blocking');
    const owner = sink(dir);
    await owner.s.owned;
    const cmd = sink(dir, { blocking: true });
    await expect(cmd.s.owned).rejects.toThrow(DirBusy);
    await expect(cmd.s.write([sampleExchange(0)])).rejects.toThrow(DirBusy);
    await cmd.s.close().catch(() => undefined);
    await owner.s.close();
    expect(readdirSync(dir)).toEqual([]);
  });
});
