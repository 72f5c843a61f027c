import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { classicPcap, frame, tcpPacket, type Rec } from '../helpers/capture-packets.js';
import { shadowtap } from '../helpers/capture-tools.js';
import { spawnCli, startEchoServer } from '../helpers/agent-servers.js';
import { tempDir } from '../helpers/tmp.js';

// `capture`, `convert` and `record` write the agent's rotating files when given --rotate-size or --rotate-every:
// the same sink, in its blocking mode (a file read at disk speed waits for the disk, nothing is dropped).

const dir = tempDir('shadowtap-rotating-cli-');
const CLIENT = [10, 0, 0, 2];
const SERVER = [10, 0, 0, 1];

/** One keep-alive connection, `n` GETs each answered with a `size`-byte body. */
function keepAlivePcap(n: number, size: number): Buffer {
  const recs: Rec[] = [];
  let t = 1_700_000_000_000_000;
  let c = 101;
  let s = 501;
  const push = (fromClient: boolean, flags: string, payload = ''): void => {
    const ip = fromClient
      ? tcpPacket({ src: CLIENT, dst: SERVER, sport: 40000, dport: 80, seq: c, ack: s, flags, payload })
      : tcpPacket({ src: SERVER, dst: CLIENT, sport: 80, dport: 40000, seq: s, ack: c, flags, payload });
    recs.push({ tsUs: t++, data: frame(1, ip) });
    if (fromClient) c += Buffer.byteLength(payload);
    else s += Buffer.byteLength(payload);
  };
  recs.push({ tsUs: t++, data: frame(1, tcpPacket({ src: CLIENT, dst: SERVER, sport: 40000, dport: 80, seq: 100, flags: 'S' })) });
  recs.push({ tsUs: t++, data: frame(1, tcpPacket({ src: SERVER, dst: CLIENT, sport: 80, dport: 40000, seq: 500, ack: 101, flags: 'SA' })) });
  push(true, 'A');
  for (let i = 0; i < n; i++) {
    push(true, 'PA', `GET /items/${i} HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer secret-${i}\r\n\r\n`);
    push(false, 'PA', `HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n${String(i).padEnd(size, '.')}`);
  }
  return classicPcap(recs, { linkType: 1 });
}

/** The exchange lines of every finished file in `d`, oldest first (headers dropped). */
function linesIn(d: string): { files: string[]; lines: string[] } {
  const files = readdirSync(d).sort();
  const lines = files.flatMap((f) => {
    const raw = readFileSync(join(d, f));
    return (f.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n').slice(1).filter(Boolean);
  });
  return { files, lines };
}

const pcap = join(dir, 'keep-alive.pcap');
writeFileSync(pcap, keepAlivePcap(300, 2000));

describe('capture --read … --out DIR --rotate-size', () => {
  it('writes the same exchange lines as one capture file, split over whole files, redacted', async () => {
    const env = { SHADOWTAP_REDACT_KEY: randomBytes(32).toString('hex') };
    const one = join(dir, 'one.jsonl');
    expect((await shadowtap(['capture', '--read', pcap, '--port', '80', '--out', one], { env })).code).toBe(0);
    const rot = join(dir, 'rot');
    const r = await shadowtap(['capture', '--read', pcap, '--port', '80', '--out', rot, '--rotate-size', '64KiB'], { env });
    expect(r.code, r.stderr).toBe(0);
    const { files, lines } = linesIn(rot);
    // 300 lines of ~2.3 KB in files of at most 64 KiB plus one line: ten or more, all finished and gzipped.
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) expect(f).toMatch(/^capture-\d{8}T\d{6}Z-\d{6}\.jsonl\.gz$/);
    expect(lines).toEqual(readFileSync(one, 'utf8').split('\n').slice(1).filter(Boolean));
    expect(lines.join('\n')).not.toContain('secret-');
    expect(r.stderr).toContain(`capture: capture file rotated: ${join(rot, files[0]!)}`);
    expect(r.stderr).toContain('exchanges 300 (written 300)');

    // convert splits a capture file the same way (an input read at disk speed, as --read).
    const parts = join(dir, 'parts');
    const c = await shadowtap(['convert', one, parts, '--rotate-size', '64KiB', '--no-redact']);
    expect(c.code, c.stderr).toBe(0);
    expect(linesIn(parts).lines).toEqual(lines);
    expect(c.stderr).toContain('wrote 300 exchanges');

    // cat lists the files one after the other: the same listing as the whole, in every format.
    const partFiles = linesIn(parts).files.map((f) => join(parts, f));
    const listings = await Promise.all(
      ['tsv', 'json', 'har'].map(async (format) => {
        const [whole, split] = await Promise.all([shadowtap(['cat', one, '--format', format, '--no-redact']), shadowtap(['cat', ...partFiles, '--format', format, '--no-redact'])]);
        return { format, whole, split };
      }),
    );
    for (const { format, whole, split } of listings) {
      expect(split.code, split.stderr).toBe(0);
      expect(split.stdout, format).toBe(whole.stdout);
    }
  });

  it('cat of several inputs of different kinds lists each in turn; a bad one fails before any output; stdin only alone', async () => {
    const one = join(dir, 'kinds.jsonl');
    expect((await shadowtap(['convert', pcap, one, '--no-redact'])).code).toBe(0);
    const [a, b, both] = await Promise.all([shadowtap(['cat', pcap, '--no-redact']), shadowtap(['cat', one, '--no-redact']), shadowtap(['cat', pcap, one, '--no-redact'])]);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toBe(a.stdout + b.stdout);
    expect(both.stdout.split('\n').filter(Boolean)).toHaveLength(600);
    const [missing, stdin, stdinLast] = await Promise.all([
      shadowtap(['cat', pcap, join(dir, 'nope.jsonl')]),
      shadowtap(['cat', '-', pcap], { input: readFileSync(pcap) }),
      shadowtap(['cat', pcap, '-'], { input: readFileSync(pcap) }),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jsonl: cannot read \(ENOENT\)/);
    expect(missing.stdout).toBe('');
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toMatch(/- \(stdin\) is read alone/);
    expect([stdinLast.code, stdinLast.stdout]).toEqual([2, '']);
    expect(stdinLast.stderr).toMatch(/- \(stdin\) is read alone/);
  });

  it('--max-total deletes the oldest finished files and says so; --no-rotate-gzip keeps .jsonl', async () => {
    const rot = join(dir, 'capped');
    const r = await shadowtap(['capture', '--read', pcap, '--port', '80', '--out', rot, '--rotate-size', '64KiB', '--max-total', '200KiB', '--no-rotate-gzip']);
    expect(r.code, r.stderr).toBe(0);
    const { files, lines } = linesIn(rot);
    expect(files.every((f) => f.endsWith('.jsonl'))).toBe(true);
    expect(r.stderr).toMatch(/capture: disk cap reached; deleted oldest capture files: capture-/);
    // What is left is the newest part of the capture, in order, ending with the last exchange.
    const paths = lines.map((l) => (JSON.parse(l) as { _target: string })._target);
    expect(paths.length).toBeLessThan(300);
    expect(paths.at(-1)).toBe('/items/299');
    expect(paths).toEqual(paths.map((_, i) => `/items/${300 - paths.length + i}`));
  });

  it('bad combinations are exit 2 naming the flag, before anything is written', async () => {
    const cases: [string[], RegExp][] = [
      [['--out', join(dir, 'x'), '--rotate-every', '1h'], /--rotate-every: rotates by the clock/],
      [['--out', join(dir, 'x.jsonl'), '--rotate-size', '1MiB'], /--out .*x\.jsonl: with --rotate-size or --rotate-every, --out names a directory/],
      [['--out', pcap, '--rotate-size', '1MiB'], /--out .*keep-alive\.pcap: not a directory/],
      [['--out', join(dir, 'y.jsonl'), '--max-total', '1GiB'], /--max-total: caps rotating files/],
      [['--out', join(dir, 'z'), '--rotate-size', '0'], /--rotate-size/],
      [['--out', join(dir, 'z'), '--rotate-size', '1MiB', '--max-total', '512KiB'], /--max-total is less than --rotate-size \(524288 < 1048576 bytes\): every file would be deleted/],
    ];
    const runs = await Promise.all(cases.map(([args]) => shadowtap(['capture', '--read', pcap, '--port', '80', ...args])));
    runs.forEach((r, i) => {
      const [args, re] = cases[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(re);
    });
    expect(readdirSync(dir).filter((f) => /^[xyz]/.test(f))).toEqual([]);
  });

  it('a disk that fills fails the command naming the file, and leaves only whole lines', async () => {
    const full = join(dir, 'full');
    mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', full]);
    try {
      const r = await shadowtap(['capture', '--read', pcap, '--port', '80', '--out', full, '--rotate-size', '64KiB', '--no-rotate-gzip']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/cannot write .*full\/capture-.*ENOSPC/);
      for (const f of readdirSync(full)) {
        const text = readFileSync(join(full, f), 'utf8');
        expect(text.endsWith('\n'), `${f}: ${text.length} bytes; ${r.stderr}`).toBe(true);
        for (const line of text.split('\n').filter(Boolean)) JSON.parse(line);
      }
    } finally {
      execFileSync('umount', ['-l', full]);
    }
  });
});

describe('record --out DIR --rotate-size', () => {
  const servers: { close: () => Promise<void> }[] = [];
  afterAll(async () => void (await Promise.all(servers.map((s) => s.close()))));

  it('records every exchange into rotating files and finishes the last one on SIGTERM', async () => {
    const upstream = await startEchoServer({ keep: true });
    servers.push(upstream);
    const out = join(dir, 'recorded');
    const cli = spawnCli(['record', '--listen', '127.0.0.1:0', '--upstream', upstream.url, '--out', out, '--rotate-size', '4KiB']);
    try {
      const base = (await cli.waitFor(/listening on (http:\/\/[^ ]+)/))[1]!;
      for (let i = 0; i < 40; i++) {
        const res = await request(`${base}/r/${i}`, { headers: { authorization: `Bearer secret-${i}` } });
        await res.body.dump();
        expect(res.statusCode).toBe(200);
      }
      cli.child.kill('SIGTERM');
      expect(await cli.exit, cli.stderr()).toBe(0);
    } finally {
      cli.child.kill('SIGKILL');
    }
    const { files, lines } = linesIn(out);
    expect(files.length).toBeGreaterThan(1);
    expect(files.every((f) => !f.includes('partial'))).toBe(true);
    expect(lines.map((l) => (JSON.parse(l) as { _target: string })._target)).toEqual(Array.from({ length: 40 }, (_, i) => `/r/${i}`));
    expect(lines.join('\n')).not.toContain('secret-');
    expect(cli.stderr()).toMatch(/record: .* 40 recorded/);
  });
});
