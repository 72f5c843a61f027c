import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { newStats, readCaptureFile } from '../../src/formats/capture-file.js';
import { spawnCli, startEchoServer, type EchoServer } from '../helpers/agent-servers.js';
import { startAgent, until, type RunningAgent } from '../helpers/agent-run.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-kill9-');

describe('agent killed with SIGKILL while writing', () => {
  let upstream: EchoServer;
  let agent: RunningAgent;

  beforeAll(async () => {
    upstream = await startEchoServer();
  });
  afterAll(async () => {
    if (agent && agent.cli.child.exitCode === null) agent.cli.child.kill('SIGKILL');
    await upstream.close();
  });

  it('leaves every rotated file whole and the current one readable up to its last complete line', { timeout: 150_000 }, async () => {
    const out = join(dir, 'files');
    agent = await startAgent(dir, { source: { proxy: { listen: '127.0.0.1:0', upstream: upstream.url } }, files: { dir: out, gzip: true, maxFileBytes: '400KB' } });
    let stop = false;
    // Bounds, not expectations: the traffic stops at the kill; a loaded machine may need a minute to fill three files.
    const deadline = Date.now() + 90_000;
    // Large binary bodies (base64 in the file): each batch is megabytes, so the kill lands mid-write often.
    const loops = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop && Date.now() < deadline; i++) {
        const r = await request(`http://127.0.0.1:${agent.proxyPort}/w${w}/${i}?size=120000&seed=${i}`).catch(() => undefined);
        await r?.body.arrayBuffer().catch(() => undefined);
      }
    });
    expect(await until(async () => (await agent.api('GET', '/status')).json().files.filesFinished >= 3, 80_000)).toBe(true);
    agent.cli.child.kill('SIGKILL');
    await agent.cli.exit;
    stop = true;
    await Promise.all(loops);

    // The lock the killed agent could not remove stays behind: the restart below must take it over.
    expect(readdirSync(out)).toContain('.capture.lock');
    const names = readdirSync(out).filter((n) => !n.startsWith('.')).sort();
    const finished = names.filter((n) => /\d\.jsonl(\.gz)?$/.test(n));
    const partial = names.filter((n) => n.endsWith('.partial.jsonl'));
    expect(finished.length).toBeGreaterThanOrEqual(3);
    // Usually one partial file is open; none if the kill came between a rotation and the next write.
    for (const name of finished) {
      const stats = newStats();
      for await (const _ of readCaptureFile(join(out, name), {}, stats));
      expect(stats.tornTail, name).toBe(false);
      expect(stats.exchanges, name).toBeGreaterThan(0);
      expect(stats.invalid).toBe(0);
    }
    let torn = false;
    let completeLines = 0;
    if (partial.length) {
      const current = join(out, partial.at(-1)!);
      const bytes = readFileSync(current);
      completeLines = bytes.subarray(0, bytes.lastIndexOf(10) + 1).toString().split('\n').filter(Boolean).length;
      torn = bytes.length > 0 && bytes[bytes.length - 1] !== 10;
      const warnings: string[] = [];
      const stats = newStats();
      for await (const _ of readCaptureFile(current, { onWarning: (m) => warnings.push(m) }, stats));
      // Everything up to the last newline reads (header + exchanges); a torn tail is a warning, not an error.
      expect(stats.exchanges).toBe(completeLines - (completeLines > 0 ? 1 : 0));
      expect(stats.tornTail).toBe(torn);
      expect(warnings.length).toBe(torn ? 1 : 0);
      if (torn) expect(warnings[0]).toMatch(/incomplete \(torn write\?\)/);
      const cat = spawnCli(['cat', current]);
      expect(await cat.exit).toBe(0);
      expect(/warning: .*incomplete/.test(cat.stderr())).toBe(torn);
    }

    // Restarted on the same directory, the agent cuts leftover partial files to their last complete
    // line and finalizes them: afterwards every file has a finished name and reads whole.
    const before = new Map<string, number>();
    // (a *.gz.tmp is a compression cut short: its partial file is still there and is what counts)
    for (const name of names.filter((n) => !n.endsWith('.tmp'))) {
      const st = newStats();
      for await (const _ of readCaptureFile(join(out, name), {}, st));
      before.set(name.replace(/\.partial\.jsonl$|\.jsonl(\.gz)?$/, ''), st.exchanges);
    }
    const again = await startAgent(dir, { source: { proxy: { listen: '127.0.0.1:0', upstream: upstream.url } }, files: { dir: out, gzip: true } }, 'again.yaml');
    const second = await again.stop();
    expect(second.code, again.cli.stderr()).toBe(0);
    const after = readdirSync(out).sort();
    expect(after.filter((n) => n.includes('partial') || n.endsWith('.tmp'))).toEqual([]);
    let total = 0;
    for (const name of after) {
      const st = newStats();
      for await (const _ of readCaptureFile(join(out, name), {}, st));
      expect(st.tornTail, name).toBe(false);
      total += st.exchanges;
    }
    expect(total).toBe([...before.values()].reduce((a, b) => a + b, 0));
    console.log(`kill -9: ${finished.length} rotated files whole; current file ${completeLines} complete lines, torn tail: ${torn}`);
  });
});
