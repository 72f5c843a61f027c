import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { newStats, readCaptureFile } from '../../src/formats/capture-file.js';
import { patternBytes, sha256, spawnCli, startEchoServer, type EchoServer } from '../helpers/agent-servers.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('shadowtap-record-full-');
const full = join(dir, 'full');
const readOnly = join(dir, 'ro');

describe('shadowtap record and its output', () => {
  let upstream: EchoServer;

  beforeAll(async () => {
    mkdirSync(full);
    mkdirSync(readOnly);
    // Real small filesystems: writes fail with ENOSPC, and EROFS, exactly as on a production host.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', full]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly]);
    upstream = await startEchoServer();
  });
  afterAll(async () => {
    await upstream?.close();
    execFileSync('umount', ['-l', full]);
    execFileSync('umount', ['-l', readOnly]);
  });

  it('keeps forwarding all of 1,200 concurrent requests when the disk fills, and counts what it could not record', async () => {
    const out = join(full, 'rec.jsonl');
    const cli = spawnCli(['record', '--listen', '127.0.0.1:0', '--upstream', upstream.url, '--out', out]);
    // One connection per request, all at once: a crash would reset every one still open.
    const client = new Agent({ connections: null, pipelining: 0 });
    try {
      const base = (await cli.waitFor(/listening on (http:\/\/[^ ]+)/))[1]!;
      const n = 1200;
      const results = await Promise.allSettled(
        Array.from({ length: n }, async (_, i) => {
          const r = await request(`${base}/fill/${i}?size=4000&seed=${i}`, { dispatcher: client });
          const body = Buffer.from(await r.body.arrayBuffer());
          return r.statusCode === 200 && sha256(body) === sha256(patternBytes(4000, i));
        }),
      );
      const good = results.filter((r) => r.status === 'fulfilled' && r.value).length;
      expect(good, results.find((r) => r.status === 'rejected')?.reason?.message).toBe(n);
      expect(cli.child.exitCode).toBeNull();
      await cli.waitFor(/cannot write .*ENOSPC.*still forwarding/);

      cli.child.kill('SIGTERM');
      expect(await cli.exit).toBe(1); // the capture is incomplete
      // The summary line, not a periodic "so far" one (a slow machine prints those first).
      const m = cli.stderr().match(/record: (\d+) requests, (\d+) recorded, (\d+) dropped, 0 upstream errors, 0 client aborts, 0 request timeouts, 0 cut at stop, (\d+) not recorded/)!;
      expect(m, cli.stderr()).not.toBeNull();
      const [requests, recorded, dropped, unrecorded] = m.slice(1).map(Number) as [number, number, number, number];
      expect(requests).toBe(n);
      expect(unrecorded).toBeGreaterThan(0);
      expect(recorded + dropped + unrecorded).toBe(n);
      // What did reach the disk reads back, up to a torn last line at most.
      const stats = newStats();
      let onDisk = 0;
      for await (const _ of readCaptureFile(out, {}, stats)) onDisk++;
      expect(onDisk).toBeGreaterThan(0);
      expect(onDisk).toBeLessThanOrEqual(recorded);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      await client.close();
    }
  });

  it('a disk that fills on the last batch (seen by no later write): the close reports it, exit 1', async () => {
    const small = join(dir, 'small');
    mkdirSync(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', small]);
    // Rotating files, whose write() resolves once the batch is queued: the one request's write succeeds,
    // and the disk refuses its ~130 KB line afterwards.
    const cli = spawnCli(['record', '--listen', '127.0.0.1:0', '--upstream', upstream.url, '--out', join(small, 'caps'), '--rotate-size', '1MiB']);
    try {
      const base = (await cli.waitFor(/listening on (http:\/\/[^ ]+)/))[1]!;
      const r = await request(`${base}/big?size=100000&seed=1`);
      await r.body.dump();
      expect(r.statusCode).toBe(200);
      cli.child.kill('SIGTERM');
      expect(await cli.exit, cli.stderr()).toBe(1);
      expect(cli.stderr()).toMatch(/record: cannot write .*small\/caps.*ENOSPC/);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      execFileSync('umount', ['-l', small]);
    }
  });

  for (const [what, out, extra] of [
    ['on a read-only filesystem', join(readOnly, 'rec.jsonl'), []],
    ['in a directory that does not exist', join(dir, 'missing', 'rec.jsonl.gz'), []],
    ['for rotating files on a read-only filesystem', join(readOnly, 'caps'), ['--rotate-size', '1MiB']],
  ] as const) {
    it(`refuses to start with --out ${what}: exit 2 naming the path`, async () => {
      const cli = spawnCli(['record', '--listen', '127.0.0.1:0', '--upstream', upstream.url, '--out', out, ...extra]);
      try {
        expect(await cli.exit).toBe(2);
        expect(cli.stderr()).toContain(extra.length ? `${out}: cannot write rotating files there (EROFS)` : `--out ${out}: cannot write the capture file`);
        expect(cli.stderr()).not.toMatch(/listening on/);
      } finally {
        if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      }
    });
  }
});
