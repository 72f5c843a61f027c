import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { newStats, readCaptureFile } from '../../src/formats/capture-file.js';
import { startEchoServer, type EchoServer } from '../helpers/agent-servers.js';
import { startAgent, until, type RunningAgent } from '../helpers/agent-run.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-diskfull-');
const mnt = join(dir, 'small');

describe('agent on a full disk', () => {
  let upstream: EchoServer;
  let agent: RunningAgent;

  beforeAll(async () => {
    mkdirSync(mnt);
    // A real, small filesystem: writes fail with ENOSPC exactly as on a full production disk.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mnt]);
    upstream = await startEchoServer();
  });
  afterAll(async () => {
    await agent?.stop();
    await upstream?.close();
    execFileSync('umount', ['-l', mnt]);
  });

  it('stays up, reports degraded, resumes when space returns, and corrupts nothing', async () => {
    const filler = join(mnt, 'filler');
    writeFileSync(filler, Buffer.alloc(640 * 1024, 1));
    const out = join(mnt, 'cap');
    agent = await startAgent(dir, {
      source: { proxy: { listen: '127.0.0.1:0', upstream: upstream.url } },
      files: { dir: out, gzip: false, maxFileBytes: '150KB', maxTotalBytes: '100MB', retry: '200ms' },
    });
    const hit = async (i: number): Promise<number> => {
      const r = await request(`http://127.0.0.1:${agent.proxyPort}/big/${i}?size=6000&seed=${i}`);
      await r.body.arrayBuffer();
      return r.statusCode;
    };
    const health = async (): Promise<string> => (await agent.api('GET', '/health')).json().status;

    let sent = 0;
    const statuses: number[] = [];
    while (sent < 400 && (await health()) === 'ok') statuses.push(await hit(sent++));
    expect(await health()).toBe('degraded');
    // Production traffic never noticed.
    for (let k = 0; k < 20; k++) statuses.push(await hit(sent++));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const degraded = (await agent.api('GET', '/status')).json();
    expect(degraded.health.reasons[0]).toMatch(/ENOSPC/);
    expect(degraded.files.droppedDisk).toBeGreaterThan(0);

    unlinkSync(filler);
    expect(await until(async () => (await hit(sent++)) === 200 && (await health()) === 'ok', 10_000, 250)).toBe(true);
    const before = (await agent.api('GET', '/status')).json().files.written;
    for (let k = 0; k < 10; k++) await hit(sent++);
    expect(await until(async () => (await agent.api('GET', '/status')).json().files.written >= before + 10, 5000)).toBe(true);

    const { code, final } = await agent.stop();
    expect(code).toBe(0);
    const { written, droppedDisk, dropped } = final.files;
    expect(written + droppedDisk + dropped).toBe(sent);
    // Every file reads back whole: no torn line, no invalid line, exactly what was counted as written.
    let total = 0;
    for (const name of readdirSync(out).sort()) {
      const stats = newStats();
      for await (const _ of readCaptureFile(join(out, name), {}, stats)) total++;
      expect(stats.tornTail, name).toBe(false);
      expect(name).not.toMatch(/partial/);
    }
    expect(total).toBe(written);
  });
});
