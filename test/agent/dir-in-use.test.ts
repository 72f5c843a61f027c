import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { newStats, readCaptureFile } from '../../src/formats/capture-file.js';
import { spawnCli, startEchoServer, type EchoServer } from '../helpers/agent-servers.js';
import { records, startAgent, until, type RunningAgent } from '../helpers/agent-run.js';
import { listenLoopback } from '../helpers/listen.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-dir-in-use-');

// Spawns dist/cli/main.js: sees a change to src/ only once the CLI is rebuilt.
describe('a second agent started on the files.dir of a running one', () => {
  let upstream: EchoServer;
  let first: RunningAgent | undefined;

  beforeAll(async () => {
    upstream = await startEchoServer();
  });
  afterAll(async () => {
    if (first && first.cli.child.exitCode === null) first.cli.child.kill('SIGKILL');
    await upstream.close();
  });

  it('exits 2 naming the running agent\'s pid and the directory, and the running agent loses nothing', { timeout: 60_000 }, async () => {
    const out = join(dir, 'caps');
    // One fixed port for both, as one agent.yaml started twice: the second must stop before it binds.
    const probe = createServer();
    const port = await listenLoopback(probe);
    await new Promise((r) => probe.close(r));
    const config = { source: { proxy: { listen: `127.0.0.1:${port}`, upstream: upstream.url } }, files: { dir: out, gzip: true, maxFileBytes: '4KiB' } };
    first = await startAgent(dir, config);
    const firstPid = first.cli.child.pid;

    // Traffic while the second one starts, so that a live .partial.jsonl is there to be taken.
    let sent = 0;
    let stop = false;
    const traffic = (async () => {
      for (let i = 0; !stop && i < 2000; i++) {
        const r = await request(`http://127.0.0.1:${port}/render/${i}`);
        await r.body.arrayBuffer();
        sent++;
      }
    })();
    expect(await until(async () => first!.api('GET', '/status').then((s) => s.json().files.filesFinished >= 2), 20_000, 50)).toBe(true);
    const second = spawnCli(['agent', '--config', join(dir, 'agent.yaml')]);
    expect(await second.exit).toBe(2);
    stop = true;
    await traffic;
    expect(second.stderr()).toContain(`files.dir: ${out}: in use by shadowtap pid ${firstPid}`);
    expect(second.stderr()).not.toMatch(/recovered|EADDRINUSE|cannot listen/);

    const { code, final } = await first.stop();
    first = undefined;
    expect(code).toBe(0);
    expect(final.files).toMatchObject({ written: sent, dropped: 0, droppedDisk: 0, lostAtStop: 0 });
    let total = 0;
    const names = readdirSync(out).sort();
    expect(names.filter((n) => !/^capture-\d{8}T\d{6}Z-\d{6}\.jsonl\.gz$/.test(n))).toEqual([]);
    for (const name of names) {
      const st = newStats();
      for await (const _ of readCaptureFile(join(out, name), {}, st)) total++;
    }
    expect(total).toBe(sent);
  });

  it('a restart after kill -9 takes over the lock the killed agent left, and recovers its files', { timeout: 60_000 }, async () => {
    const out = join(dir, 'killed');
    const config = { source: { proxy: { listen: '127.0.0.1:0', upstream: upstream.url } }, files: { dir: out, gzip: false } };
    const killed = await startAgent(dir, config, 'killed.yaml');
    for (let i = 0; i < 5; i++) await (await request(`http://127.0.0.1:${killed.proxyPort}/k/${i}`)).body.arrayBuffer();
    expect(await until(async () => (await killed.api('GET', '/status')).json().files.written === 5, 5000, 20)).toBe(true);
    killed.cli.child.kill('SIGKILL');
    await killed.cli.exit;
    expect(readdirSync(out).filter((n) => n.endsWith('.partial.jsonl') || n === '.capture.lock')).toHaveLength(2);

    const again = await startAgent(dir, config, 'killed.yaml');
    const { code } = await again.stop();
    expect(code).toBe(0);
    expect(records(again.cli.stderr()).find((r) => r.msg?.startsWith('recovered capture files'))).toBeDefined();
    expect(readdirSync(out).filter((n) => n.includes('partial') || n.startsWith('.'))).toEqual([]);
  });
});
