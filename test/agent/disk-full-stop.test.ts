import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { startEchoServer, type EchoServer } from '../helpers/agent-servers.js';
import { startAgent, type RunningAgent } from '../helpers/agent-run.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-diskfull-stop-');
const mnt = join(dir, 'small');

describe('agent stopping with a full disk', () => {
  let upstream: EchoServer;
  let agent: RunningAgent | undefined;

  beforeAll(async () => {
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mnt]);
    // Fill it to the last block: not even a capture file's first line fits.
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // dd ends with "No space left on device": that is the point
    }
    upstream = await startEchoServer();
  });
  afterAll(async () => {
    if (agent?.cli.child.exitCode === null) agent.cli.child.kill('SIGKILL');
    await upstream?.close();
    execFileSync('umount', ['-l', mnt]);
  });

  it('stops within its deadline with hundreds of exchanges queued, and counts them as lost', async () => {
    // A 30 s retry: stopping by retrying what is queued would take many minutes.
    agent = await startAgent(dir, {
      source: { proxy: { listen: '127.0.0.1:0', upstream: upstream.url } },
      files: { dir: join(mnt, 'cap'), gzip: false, retry: '30s' },
    });
    const n = 900;
    for (let i = 0; i < n; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, async (_, k) => {
          const r = await request(`http://127.0.0.1:${agent!.proxyPort}/q/${i + k}?size=2000`);
          await r.body.arrayBuffer();
          return r.statusCode;
        }),
      );
      expect(batch.every((s) => s === 200)).toBe(true);
    }
    const status = (await agent.api('GET', '/status')).json();
    expect(status.health.status).toBe('degraded');
    expect(status.files.written).toBe(0);

    const t0 = Date.now();
    const { code, final } = await agent.stop();
    const stopMs = Date.now() - t0;
    console.log(`agent stop with ${n} exchanges sent on a full disk: ${stopMs} ms`);
    expect(code).toBe(0);
    expect(stopMs).toBeLessThan(10_000 + 5000); // the files' deadline, with room for a loaded machine
    const { written, droppedDisk, dropped, lostAtStop } = final.files;
    expect(written).toBe(0);
    expect(lostAtStop).toBeGreaterThan(0);
    expect(written + droppedDisk + dropped + lostAtStop).toBe(n);
    expect(agent.cli.stderr()).toMatch(/"msg":"stopping: capture files not written, counted as lost"/);
  });
});
